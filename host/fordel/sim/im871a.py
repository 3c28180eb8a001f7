"""IMST iM871A simulator on a pty, byte-exact to the WMBus HCI (spec V1.6, as documented in
docs/protocols.md "Radio modules").

Answers PING, GET_DEVICEINFO, GET_CONFIG, SET_CONFIG, RESET (endpoint DEVMGMT); requests
may carry a CRC16 trailer or not. Telegrams go out as RADIOLINK WMBUSMSG_IND with the
timestamp / RSSI trailers the configuration asks for and a CRC16 trailer if `crc`.
"""
import struct
import time

from fordel.sim.pty import ModuleSimulator

SOF = 0xA5
DEVMGMT, RADIOLINK = 0x01, 0x02
PING, SET_CONFIG, GET_CONFIG, RESET, GET_DEVICEINFO = 0x01, 0x03, 0x05, 0x07, 0x0F
WMBUSMSG_IND = 0x03
MAX_MSG = {1: 0x27, 2: 0x05, 3: 0x07, 4: 0x02}

# link-mode byte -> the meter link modes a collector in that mode hears
HEARS = {0: {"S1"}, 1: {"S1"}, 2: {"S1"}, 3: {"T1"}, 4: {"T1"}, 6: {"C1"}, 7: {"C1"},
         8: {"C1"}, 9: {"C1"}, 10: {"C1", "T1"}}

# GET_CONFIG fields in iiflag order, with their byte widths
FIELDS1 = (("device_mode", 1), ("link_mode", 1), ("c_field", 1), ("mfct", 2), ("id", 4),
           ("version", 1), ("media", 1), ("channel", 1))
FIELDS2 = (("power_level", 1), ("data_rate", 1), ("rx_window", 1), ("auto_power_saving", 1),
           ("auto_rssi", 1), ("auto_timestamp", 1), ("led_control", 1), ("rtc_control", 1))


def crc16(data):
    """CRC-16/X-25: reflected poly 0x8408, init 0xFFFF, complemented."""
    c = 0xFFFF
    for b in data:
        c ^= b
        for _ in range(8):
            c = (c >> 1) ^ 0x8408 if c & 1 else c >> 1
    return c ^ 0xFFFF


def rssi_raw(dbm):
    """Inverse of the driver's curve (-100 + (raw - 45) / 2): the byte that reads back as
    `dbm`. 0 dBm and up -> 230; -7..-1 dBm cannot be expressed and read back as -8."""
    if dbm >= 0:
        return 230
    return max(0, min(229, 45 + 2 * (dbm + 100)))


def hci_frame(endpoint, msg, payload=b"", ts=None, rssi=None, crc=True):
    ctrl = (0x20 if ts is not None else 0) | (0x40 if rssi is not None else 0) | \
        (0x80 if crc else 0)
    f = bytearray((SOF, ctrl | endpoint, msg, len(payload))) + payload
    if ts is not None:
        f += struct.pack("<I", ts & 0xFFFFFFFF)
    if rssi is not None:
        f.append(rssi)
    if crc:
        f += struct.pack("<H", crc16(f[1:]))
    return bytes(f)


class Im871aSimulator(ModuleSimulator):
    """iM871A (module_type 0x33) or iM170A (0x36).

    nv_*: the non-volatile configuration the module falls back to at a reset. The driver
    sets link mode and RSSI volatile (SET_CONFIG byte 0 = 0), so a reset loses them."""

    MODULE = "im871a"
    BAUD = 57600

    def __init__(self, module_type=0x33, firmware=0x15, hci=0x17, uid=0x12345678,
                 nv_link_mode=3, nv_auto_rssi=0, nv_auto_timestamp=0, crc=True, **kw):
        super().__init__(**kw)
        self.module_type = module_type
        self.firmware = firmware
        self.hci = hci
        self.uid = uid
        self.crc = crc
        self.nv = {"device_mode": 0, "link_mode": nv_link_mode, "c_field": 0x44,
                   "mfct": 0x25B3, "id": uid, "version": 0x01, "media": 0x31, "channel": 1,
                   "power_level": 1, "data_rate": 0, "rx_window": 50, "auto_power_saving": 0,
                   "auto_rssi": nv_auto_rssi, "auto_timestamp": nv_auto_timestamp,
                   "led_control": 1, "rtc_control": 0}
        self.config = dict(self.nv)
        self._t0 = time.monotonic()

    def listening(self):
        if self.config["device_mode"] != 0:
            return set()
        return HEARS.get(self.config["link_mode"], set())

    def _reset(self):
        self.config = dict(self.nv)
        self._t0 = time.monotonic()

    def _noise_bytes(self):
        return bytes(b for b in range(256) if b != SOF)

    def _payload_offset(self):
        return 4

    def clock(self):
        """The module's timestamp trailer: ms since its last reset (replace to replay)."""
        return int((time.monotonic() - self._t0) * 1000)

    def _indication(self, frame, rssi_dbm, raw_rssi):
        ts = self.clock() if self.config["auto_timestamp"] else None
        rssi = None
        if self.config["auto_rssi"]:
            rssi = rssi_raw(rssi_dbm) if raw_rssi is None else raw_rssi
        return hci_frame(RADIOLINK, WMBUSMSG_IND, frame[1:], ts, rssi, self.crc)

    def _answer(self, msg, payload=b""):
        self._send(hci_frame(DEVMGMT, msg, payload, crc=self.crc))

    # ---- host requests ----------------------------------------------------------------
    def _requests(self):
        rx = self._rx
        while rx:
            if not self._frame_start(SOF, 4):
                return
            ctrl, ep, msg, n = rx[1] >> 4, rx[1] & 0x0F, rx[2], rx[3]
            if ctrl & 1 or ep not in MAX_MSG or not 1 <= msg <= MAX_MSG[ep]:
                self.stats["bad_requests"] += 1
                del rx[:1]
                continue
            total = 4 + n + (4 if ctrl & 2 else 0) + (1 if ctrl & 4 else 0) + \
                (2 if ctrl & 8 else 0)
            if len(rx) < total:
                return
            frame = bytes(rx[:total])
            if ctrl & 8 and crc16(frame[1:]) != 0x0F47:
                self.stats["bad_requests"] += 1
                del rx[:1]
                continue
            del rx[:total]
            yield (ep << 8 | msg), frame[4:4 + n], frame

    def _handle(self, cmd, p):
        ep, msg = cmd >> 8, cmd & 0xFF
        if ep != DEVMGMT:
            self.stats["unknown_requests"] += 1
            return
        if msg == PING:
            self._answer(PING + 1)
        elif msg == GET_DEVICEINFO:
            self._answer(GET_DEVICEINFO + 1, bytes((self.module_type, self.config["device_mode"],
                                                    self.firmware, self.hci))
                         + struct.pack("<I", self.uid))
        elif msg == GET_CONFIG:
            self._answer(GET_CONFIG + 1, self._encode_config())
        elif msg == SET_CONFIG:
            self._answer(SET_CONFIG + 1, bytes((self._set_config(p),)))
        elif msg == RESET:
            self._answer(RESET + 1, b"\x00")
            self._reset()
        else:
            self.stats["unknown_requests"] += 1

    def _encode_config(self):
        out = bytearray((0xFF,))
        for name, w in FIELDS1:
            out += self.config[name].to_bytes(w, "little")
        out.append(0xFF)
        for name, w in FIELDS2:
            out += self.config[name].to_bytes(w, "little")
        return bytes(out)

    def _set_config(self, p):
        """Apply SET_CONFIG: [nv flag, iiflag1, fields.., iiflag2, fields..]; returns status."""
        try:
            new = {}
            i = 2
            for flags, fields in ((p[1], FIELDS1), (None, FIELDS2)):
                if flags is None:
                    flags = p[i]
                    i += 1
                for bit, (name, w) in enumerate(fields):
                    if flags & (1 << bit):
                        new[name] = int.from_bytes(p[i:i + w], "little")
                        if len(p[i:i + w]) != w:
                            raise IndexError
                        i += w
        except IndexError:
            return 0x01
        lm = new.get("link_mode", self.config["link_mode"])
        if lm not in HEARS or (lm == 10 and self.firmware < 0x14) or \
                (self.module_type == 0x33 and lm > 10):
            return 0x01
        self.config.update(new)
        if p[0]:
            self.nv.update(new)
        return 0x00
