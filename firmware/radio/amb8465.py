"""Amber / Wuerth AMB8465 (Metis) driver: the AMBER command interface at 9600 8N1.

Byte layout ("Manual for the AMBER wM-Bus Modules" V2.7, as used by wmbusmeters
src/wmbus_amb8465.cc; see docs/protocols.md "Radio modules"):

    command / confirmation   FF | cmd | len | payload[len] | XOR of all bytes before it
    confirmations            cmd | 0x80
    telegram, command mode   FF 03 | len | C M M A A A A V T CI ... [RSSI] | XOR
    telegram, transparent    L | C M M A A A A V T CI ... [RSSI]          (no start, no XOR)

In both telegram forms the RSSI byte (if RSSI_Enable) is the last one and is counted by
len / L; the DLL CRCs are removed. The driver puts L = wM-Bus length back in front.
At start the driver reads the non-volatile parameters and, unless told not to, turns on
UART_CMD_Out_Enable (checksummed telegrams) and RSSI_Enable, then resets the module once.
"""
import asyncio

from micropython import const

from radio.base import Radio, RadioError

_SOF = const(0xFF)
_DATA_IND = const(0x03)
_SET_MODE = const(0x04)
_RESET = const(0x05)
_SET_REQ = const(0x09)
_GET_REQ = const(0x0A)
_SERIALNO = const(0x0B)
_FWV = const(0x0C)

# requests whose confirmation (cmd | 0x80) the module may send
_REQS = (0x00, 0x02, 0x04, 0x05, 0x06, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x10, 0x11, 0x30, 0x31,
         0x50, 0x51, 0x52)
# C-fields a received wM-Bus frame may start with (SND_NR, SND_IR, ACC_NR, ACC_DMD, RSP_UD)
C_FIELDS = b"\x44\x46\x47\x48\x08\x18\x28\x38"

# non-volatile parameter offsets (GET_REQ / SET_REQ memory positions)
_P_CMD_OUT = const(5)
_P_CHANNEL = const(60)
_P_RSSI = const(69)
_P_MODE = const(70)

MODE_BYTES = {"S1": 0x03, "T1": 0x08, "C1": 0x0E, "C1T1": 0x09}


def xor(buf, a, b):
    x = 0
    for i in range(a, b):
        x ^= buf[i]
    return x


def rssi_dbm(raw):
    """RSSI byte (two's complement, half dB) to dBm: raw/2 - 74, truncated toward zero."""
    v = raw - 256 if raw >= 128 else raw
    return (-((-v) // 2) if v < 0 else v // 2) - 74


def frame(buf, cmd, payload=b""):
    """Write a command frame into buf; returns its length."""
    n = len(payload)
    buf[0] = _SOF
    buf[1] = cmd
    buf[2] = n
    buf[3:3 + n] = payload
    buf[3 + n] = xor(buf, 0, 3 + n)
    return n + 4


class Amb8465(Radio):
    MODULE = "amb8465"
    BAUD = 9600
    GAP_MS = 200
    ANSWER_MS = 800
    RESET_MS = 500

    def __init__(self, stream, link_mode="C1T1", fix_settings=True, **kw):
        super().__init__(stream, link_mode, **kw)
        self.fix_settings = fix_settings
        self.cmd_out = True
        self.rssi_on = True
        self._quiet = False

    def _parse(self, a, b):
        buf = self._buf
        while a < b:
            c = buf[a]
            if c == _SOF:
                if b - a < 3:
                    return a
                cmd = buf[a + 1]
                if cmd != _DATA_IND and not (cmd & 0x80 and (cmd & 0x7F) in _REQS):
                    self._garbage(1)
                    a += 1
                    continue
                n = buf[a + 2]
                end = a + 4 + n
                if b < end:
                    return a
                if xor(buf, a, end):
                    self._error("crc_errors")
                    self._garbage(1)
                    a += 1
                    continue
                if cmd == _DATA_IND:
                    if not self._telegram(a + 3, n):
                        return a          # ring full: parse it again when there is room
                else:
                    self._answer(cmd, a + 3, n)
                self.stats["frames"] += 1
                a = end
                continue
            # transparent mode: L, then a wM-Bus C-field. Only when the module is set so:
            # in command mode these bytes are the rest of a broken frame or noise.
            if self.cmd_out or c < 10:
                self._garbage(1)
                a += 1
                continue
            if b - a < 2:
                return a
            if C_FIELDS.find(buf[a + 1]) < 0:
                self._garbage(1)
                a += 1
                continue
            end = a + 1 + c
            if b < end:
                return a
            if not self._telegram(a + 1, c):
                return a
            self.stats["frames"] += 1
            a = end
        return a

    def _telegram(self, p, n):
        if self.rssi_on:
            n -= 1
            return self._put(p, n, rssi_dbm(self._buf[p + n]), None)
        return self._put(p, n, None, None)

    async def _cmd(self, cmd, payload, what):
        n = frame(self._tx, cmd, payload)
        return await self._request(n, cmd | 0x80, what)

    async def _ping(self):
        await self._cmd(_SERIALNO, b"", "SERIALNO_REQ")

    async def serial_number(self):
        p = await self._cmd(_SERIALNO, b"", "SERIALNO_REQ")
        if len(p) < 4:
            raise RadioError("amb8465: serial number answer has %d bytes, want 4" % len(p))
        return "%02x%02x%02x%02x" % (p[0], p[1], p[2], p[3])

    async def get_config(self):
        """GET_REQ of the whole parameter memory, decoded (offsets per the AMBER manual)."""
        p = await self._cmd(_GET_REQ, b"\x00\x80", "GET_REQ parameters")
        if len(p) < 2 or p[0] != 0 or len(p) < 2 + p[1] or p[1] <= _P_MODE:
            raise RadioError("amb8465: GET_REQ answer malformed (%d bytes)" % len(p))
        v = p[2:]
        return {"module": "AMB8465" if p[1] == 0x78 else "AMB3665" if p[1] == 0x80 else
                "params %d" % p[1], "cmd_out": v[_P_CMD_OUT], "rssi_enable": v[_P_RSSI],
                "mode_preselect": v[_P_MODE], "channel": v[_P_CHANNEL]}

    async def set_param(self, pos, value):
        """SET_REQ: write one non-volatile parameter byte (effective after a reset)."""
        p = await self._cmd(_SET_REQ, bytes((pos, 1, value)), "SET_REQ parameter %d" % pos)
        if len(p) and p[0]:
            raise RadioError("amb8465: SET_REQ parameter %d refused, status %d" % (pos, p[0]))

    async def reset(self):
        await self._cmd(_RESET, b"", "RESET_REQ")
        await asyncio.sleep_ms(self.RESET_MS)

    async def info(self):
        cfg = await self.get_config()
        p = await self._cmd(_FWV, b"", "FWV_REQ")
        fw = ".".join(str(x) for x in p[:3])
        return {"module": cfg["module"], "serial": await self.serial_number(), "firmware": fw}

    async def setup(self):
        cfg = await self.get_config()
        if self.fix_settings and (cfg["cmd_out"] != 1 or cfg["rssi_enable"] != 1):
            if cfg["cmd_out"] != 1:
                await self.set_param(_P_CMD_OUT, 1)
            if cfg["rssi_enable"] != 1:
                await self.set_param(_P_RSSI, 1)
            await self.reset()
            cfg = await self.get_config()
        self.cmd_out = cfg["cmd_out"] == 1
        self.rssi_on = cfg["rssi_enable"] == 1
        return await self.info()

    async def set_link_mode(self, mode):
        """SET_MODE_REQ (volatile: lost on a module reset)."""
        m = MODE_BYTES.get(mode)
        if m is None:
            raise RadioError("amb8465: link mode %r not one of %s" % (mode, "/".join(MODE_BYTES)))
        p = await self._cmd(_SET_MODE, bytes((m,)), "SET_MODE_REQ " + mode)
        if len(p) and p[0]:
            raise RadioError("amb8465: SET_MODE_REQ %s refused, status %d" % (mode, p[0]))
        self.link_mode = mode
        self.stats["reconfigs"] += 1

    async def read_link_mode(self):
        return None      # the volatile mode cannot be read back (only the NV preselect)

    async def check(self):
        """The set mode cannot be read back: after silence or a lost module, set it again."""
        if not await self.ping():
            self._quiet = True
            return
        if self._quiet or not self._heard:
            await self.set_link_mode(self.link_mode)
        self._quiet = False
