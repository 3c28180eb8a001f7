"""IMST iM871A (and iM170A) driver: the WMBus HCI protocol over the UART at 57600 8N1.

Byte layout (IMST "WMBus HCI Spec" V1.6, as used by wmbusmeters src/wmbus_im871a.cc;
see docs/protocols.md "Radio modules"):

    A5 | ctrl<<4 | endpoint | msg id | len | payload[len] | ts[4] LE | rssi | crc16 LE
                                                           ctrl&2    ctrl&4   ctrl&8

ctrl bit 1 is reserved. CRC16 is CCITT reflected (poly 0x8408, init 0xFFFF, complemented)
over everything after the SOF; running it over the frame including its CRC gives 0x0F47.
A received telegram (endpoint 2, msg 3) carries the wM-Bus frame without its L-field and
with the DLL CRCs removed; the driver puts L = len back in front.
"""
from array import array

from micropython import const

from radio.base import Radio, RadioError

_SOF = const(0xA5)
_DEVMGMT = const(0x01)
_RADIOLINK = const(0x02)
_RADIOLINKTEST = const(0x03)
_HWTEST = const(0x04)
# highest valid msg id per endpoint 1..4 (wmbusmeters checkIM871AFrame)
_MAX_MSG = (0, 0x27, 0x05, 0x07, 0x02)

_PING = const(0x01)
_SET_CONFIG = const(0x03)
_GET_CONFIG = const(0x05)
_RESET = const(0x07)
_GET_DEVICEINFO = const(0x0F)
_WMBUSMSG_IND = const(0x03)

_CRC_GOOD = const(0x0F47)

# link-mode byte of SET_CONFIG / GET_CONFIG (LIST_OF_IM871A_LINK_MODES order)
MODE_BYTES = {"S1": 0, "T1": 3, "C1": 7, "C1T1": 10}
MODE_NAMES = ("S1", "S1m", "S2", "T1", "T2", "R2", "C1a", "C1", "C2a", "C2b", "C1T1")
MODULE_TYPES = {0x33: "iM871A", 0x36: "iM170A"}


def _table():
    t = array("H", [0] * 256)
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ 0x8408 if c & 1 else c >> 1
        t[i] = c
    return t


_CRC = _table()


def crc16(buf, a, b):
    """CRC-16/X-25 of buf[a:b] (reflected 0x8408, init 0xFFFF, complemented)."""
    t = _CRC
    c = 0xFFFF
    for i in range(a, b):
        c = (c >> 8) ^ t[(c ^ buf[i]) & 0xFF]
    return c ^ 0xFFFF


def rssi_dbm(raw):
    """Module RSSI byte to dBm: the Si1002 curve approximation of wmbusmeters
    (>= 230 -> 0 dBm, else -100 + (raw - 45) / 2, truncated toward zero)."""
    if raw >= 230:
        return 0
    h = raw - 245            # 2 * (-100) + (raw - 45)
    return -((-h) // 2) if h < 0 else h // 2


def frame(buf, endpoint, msg, payload=b"", crc=False):
    """Write a request frame into buf; returns its length."""
    n = len(payload)
    buf[0] = _SOF
    buf[1] = (0x80 if crc else 0) | endpoint
    buf[2] = msg
    buf[3] = n
    buf[4:4 + n] = payload
    n += 4
    if crc:
        c = crc16(buf, 1, n)
        buf[n] = c & 0xFF
        buf[n + 1] = c >> 8
        n += 2
    return n


class Im871a(Radio):
    MODULE = "im871a"
    BAUD = 57600
    GAP_MS = 100

    def __init__(self, stream, link_mode="C1T1", timestamps=False, **kw):
        super().__init__(stream, link_mode, **kw)
        self.timestamps = timestamps
        self.firmware = None
        self._crc_seen = False   # once the module sent a good CRC, frames without are false

    def _parse(self, a, b):
        buf = self._buf
        while a < b:
            if buf[a] != _SOF:
                i = buf.find(b"\xa5", a, b)
                if i < 0:
                    self._garbage(b - a)
                    return b
                self._garbage(i - a)
                a = i
            if b - a < 4:
                return a
            c = buf[a + 1]
            ctrl = c >> 4
            ep = c & 0x0F
            msg = buf[a + 2]
            n = buf[a + 3]
            if ctrl & 1 or not 1 <= ep <= 4 or not 1 <= msg <= _MAX_MSG[ep] or \
                    (self._crc_seen and not ctrl & 8):
                self._garbage(1)          # not a frame start: resynchronise
                a += 1
                continue
            end = a + 4 + n
            t = end
            if ctrl & 2:
                end += 4
            r = end
            if ctrl & 4:
                end += 1
            if ctrl & 8:
                end += 2
            if b < end:
                return a                  # wait for the rest
            if ctrl & 8:
                if crc16(buf, a + 1, end) != _CRC_GOOD:
                    self._error("crc_errors")
                    self._garbage(1)
                    a += 1
                    continue
                self._crc_seen = True
            if ep == _RADIOLINK and msg == _WMBUSMSG_IND:
                rssi = rssi_dbm(buf[r]) if ctrl & 4 else None
                ts = (buf[t] | buf[t + 1] << 8 | buf[t + 2] << 16 | buf[t + 3] << 24) \
                    if ctrl & 2 else None
                if not self._put(a + 4, n, rssi, ts):
                    return a              # ring full: parse it again when there is room
                if rssi is None:
                    self._recheck = True  # we asked for RSSI: the module lost its settings
            else:
                self._answer(ep << 8 | msg, a + 4, n)
            self.stats["frames"] += 1
            a = end
        return a

    async def _cmd(self, msg, payload, what):
        n = frame(self._tx, _DEVMGMT, msg, payload)
        return await self._request(n, _DEVMGMT << 8 | (msg + 1), what)

    async def _ping(self):
        await self._cmd(_PING, b"", "PING")

    async def info(self):
        """GET_DEVICEINFO: module type, device mode, firmware, HCI version, unique id."""
        p = await self._cmd(_GET_DEVICEINFO, b"", "GET_DEVICEINFO")
        if len(p) < 8:
            raise RadioError("im871a: device info answer has %d bytes, want 8" % len(p))
        self.firmware = p[2]
        return {
            "module": MODULE_TYPES.get(p[0], "type 0x%02x" % p[0]),
            "device_mode": "meter" if p[1] else "other",
            "firmware": "%x.%x" % (p[2] >> 4, p[2] & 15),
            "hci": "%x.%x" % (p[3] >> 4, p[3] & 15),
            "uid": "%08x" % (p[4] | p[5] << 8 | p[6] << 16 | p[7] << 24),
        }

    async def get_config(self):
        """GET_CONFIG decoded: the fields the module reports, by name."""
        p = await self._cmd(_GET_CONFIG, b"", "GET_CONFIG")
        return decode_config(p)

    async def read_link_mode(self):
        m = (await self.get_config()).get("link_mode")
        return MODE_NAMES[m] if m is not None and m < len(MODE_NAMES) else m

    async def setup(self):
        return await self.info()

    async def set_link_mode(self, mode):
        """SET_CONFIG (volatile): link mode, RSSI attached, timestamp as configured."""
        lm = MODE_BYTES.get(mode)
        if lm is None:
            raise RadioError("im871a: link mode %r not one of %s" % (mode, "/".join(MODE_BYTES)))
        if mode == "C1T1" and self.firmware is not None and self.firmware < 0x14:
            raise RadioError("im871a: firmware %x.%x cannot listen C1+T1 (needs 1.4)"
                             % (self.firmware >> 4, self.firmware & 15))
        p = await self._cmd(_SET_CONFIG, bytes((0, 0x02, lm, 0x30, 1, 1 if self.timestamps
                                               else 0)), "SET_CONFIG link mode " + mode)
        if len(p) and p[0]:
            raise RadioError("im871a: _SET_CONFIG link mode %s refused, status 0x%02x"
                             % (mode, p[0]))
        self.link_mode = mode
        self.stats["reconfigs"] += 1

    async def reset(self):
        """Software reset of the module, then the link mode again."""
        await self._cmd(_RESET, b"", "RESET")
        await self.set_link_mode(self.link_mode)

    async def check(self):
        """Read the configuration back; a module that forgot it was reset: set it again."""
        cfg = await self.get_config()
        want = MODE_BYTES[self.link_mode]
        if cfg.get("link_mode") != want or cfg.get("auto_rssi", 1) != 1:
            self._error("module_resets")
            await self.set_link_mode(self.link_mode)


_F1 = ("device_mode", "link_mode", "c_field", "mfct", "id", "version", "media", "channel")
_F2 = ("power_level", "data_rate", "rx_window", "auto_power_saving", "auto_rssi",
       "auto_timestamp", "led_control", "rtc_control")
_WIDTH = {"mfct": 2, "id": 4}


def decode_config(p):
    """GET_CONFIG payload: iiflag1, its fields, iiflag2, its fields (little-endian)."""
    out = {}
    i = 0
    try:
        for names in (_F1, _F2):
            flags = p[i]
            i += 1
            for bit in range(8):
                if flags & (1 << bit):
                    name = names[bit]
                    w = _WIDTH.get(name, 1)
                    v = 0
                    for k in range(w):
                        v |= p[i + k] << (8 * k)
                    out[name] = v
                    i += w
    except IndexError:
        raise RadioError("im871a: _GET_CONFIG answer cut short at byte %d" % i)
    return out
