"""Amber AMB8465 simulator on a pty, byte-exact to the AMBER command interface (manual
V2.7, as documented in docs/protocols.md "Radio modules").

Answers SET_MODE_REQ, GET_REQ, SET_REQ, SERIALNO_REQ, FWV_REQ, RESET_REQ (confirmation =
cmd | 0x80, XOR checksum); requests with a wrong checksum are ignored like the module does.
Telegrams go out as CMD_DATA_IND (FF 03 len ... [RSSI] XOR) when UART_CMD_Out_Enable is
set, else in transparent form (L ... [RSSI]). Non-volatile parameters written with SET_REQ
take effect at the next reset, as on the module.
"""
from fordel.sim.pty import ModuleSimulator

SOF = 0xFF
DATA_IND, SET_MODE, RESET, SET_REQ, GET_REQ, SERIALNO, FWV = 0x03, 0x04, 0x05, 0x09, 0x0A, \
    0x0B, 0x0C
P_UART, P_CMD_OUT, P_CFIELD, P_CHANNEL, P_AUTOSLEEP, P_RSSI, P_MODE = 0, 5, 49, 60, 63, 69, 70
NPARAMS = {"AMB8465": 0x78, "AMB3665": 0x80}

# mode byte -> the meter link modes a collector in that mode hears
HEARS = {0x03: {"S1"}, 0x06: {"T1"}, 0x08: {"T1"}, 0x09: {"C1", "T1"}, 0x0E: {"C1"}}
VALID_MODES = set(range(0x00, 0x10)) - {0x04}


def xor(data):
    x = 0
    for b in data:
        x ^= b
    return x


def command(cmd, payload=b""):
    f = bytes((SOF, cmd, len(payload))) + bytes(payload)
    return f + bytes((xor(f),))


def rssi_raw(dbm):
    """The RSSI byte that reads back as `dbm` (raw / 2 - 74, two's complement);
    dBm outside -138..-11 are clamped."""
    return (2 * (max(-138, min(-11, dbm)) + 74)) & 0xFF


class Amb8465Simulator(ModuleSimulator):
    MODULE = "amb8465"
    BAUD = 9600

    def __init__(self, serial=0x0B0A0C0D, firmware=(1, 4, 0), cmd_out=True, rssi_enable=True,
                 mode_preselect=0x08, model="AMB8465", **kw):
        super().__init__(**kw)
        self.serial = serial
        self.firmware = firmware
        self.model = model
        nv = bytearray(NPARAMS[model])
        nv[P_UART] = 0x05                       # 9600 baud
        nv[P_CMD_OUT] = 1 if cmd_out else 0
        nv[P_CFIELD] = 0x44
        nv[P_CHANNEL] = 0x01
        nv[P_AUTOSLEEP] = 0
        nv[P_RSSI] = 1 if rssi_enable else 0
        nv[P_MODE] = mode_preselect
        self.nv = nv
        self._reset()

    @property
    def cmd_out(self):
        return bool(self.params[P_CMD_OUT])

    @property
    def rssi_enable(self):
        return bool(self.params[P_RSSI])

    def listening(self):
        return HEARS.get(self.mode, set())

    def _reset(self):
        self.params = bytes(self.nv)            # what the running module uses
        self.mode = self.nv[P_MODE]

    def _noise_bytes(self):
        # no 0xFF (command start) and nothing that could pass for a transparent L-field
        return bytes(range(0x00, 0x0A))

    def _payload_offset(self):
        return 3

    def _indication(self, frame, rssi_dbm, raw_rssi):
        raw = rssi_raw(rssi_dbm) if raw_rssi is None else raw_rssi
        body = frame[1:] + (bytes((raw,)) if self.rssi_enable else b"")
        if self.cmd_out:
            return command(DATA_IND, body)
        return bytes((len(body),)) + body

    # ---- host requests ----------------------------------------------------------------
    def _requests(self):
        rx = self._rx
        while rx:
            if not self._frame_start(SOF, 3):
                return
            total = 4 + rx[2]
            if len(rx) < total:
                return
            frame = bytes(rx[:total])
            if xor(frame):
                self.stats["bad_requests"] += 1
                del rx[:1]
                continue
            del rx[:total]
            yield frame[1], frame[3:-1], frame

    def _handle(self, cmd, p):
        if cmd == SET_MODE:
            ok = len(p) == 1 and p[0] in VALID_MODES
            if ok:
                self.mode = p[0]
            self._send(command(SET_MODE | 0x80, b"\x00" if ok else b"\x01"))
        elif cmd == GET_REQ and len(p) == 2:
            pos, n = p[0], min(p[1], len(self.nv) - p[0])
            if n <= 0:
                self._send(command(GET_REQ | 0x80, bytes((pos, 0))))
            else:
                self._send(command(GET_REQ | 0x80, bytes((pos, n)) + self.nv[pos:pos + n]))
        elif cmd == SET_REQ and len(p) >= 2:
            pos, n = p[0], p[1]
            if len(p) != 2 + n or pos + n > len(self.nv):
                self._send(command(SET_REQ | 0x80, b"\x02"))
            else:
                self.nv[pos:pos + n] = p[2:]
                self._send(command(SET_REQ | 0x80, b"\x00"))
        elif cmd == SERIALNO:
            self._send(command(SERIALNO | 0x80, self.serial.to_bytes(4, "big")))
        elif cmd == FWV:
            self._send(command(FWV | 0x80, bytes(self.firmware)))
        elif cmd == RESET:
            # the settings take effect before the host can see the confirmation (the host
            # acts on the confirmation; on the module they apply as it restarts)
            self._reset()
            self._send(command(RESET | 0x80, b"\x00"))
        else:
            self.stats["unknown_requests"] += 1
