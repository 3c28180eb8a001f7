"""The AMB8465 simulator, driven over its pty with pyserial: confirmations and data
indications byte for byte (AMBER command interface, docs/protocols.md)."""
import re

import pytest
import serial

from fordel.paths import given_data
from fordel.sim.amb8465 import Amb8465Simulator, rssi_raw

DOC = (given_data() / "docs" / "radio-modules.md").read_text()
# wmbusmeters issue #440 debug log: CMD_DATA_IND of an AMB8665 in command mode, RSSI in len
CAPTURE_440 = bytes.fromhex(
    "FF034F44A5115317635370077AFF004005C35CFCB76794E8AA0CAC200E4D05FCDB1413DADFD007D7E544"
    "8BC98395DDAE04ADC676E120D9EA369CB47633694E270E55110B9BC26D14DA6F626D4CD101D1856142")


def xor(data):
    out = 0
    for b in data:
        out ^= b
    return out


def cmd(hexstr):
    head = bytes.fromhex(hexstr)
    return head + bytes((xor(head),))


@pytest.fixture
def sim():
    s = Amb8465Simulator()
    s.start()
    yield s
    s.close()


def port(sim):
    return serial.Serial(sim.path, 9600, timeout=1)


def test_documented_requests_answered(sim):
    with port(sim) as ser:
        ser.write(bytes.fromhex("FF 0B 00 F4"))
        assert ser.read(8) == cmd("FF 8B 04 0B 0A 0C 0D")
        # get config: "AMB8465 response header `FF 8A 7A 00 78` + 0x78 parameter bytes + XOR
        # (total 0x7E)"
        m = re.search(r"`(FF 0A 02 00 80 77)` \([^)]*\) →\s+AMB8465 response header "
                      r"`([0-9A-F ]+)` \+ 0x([0-9A-F]+) parameter bytes \+ XOR "
                      r"\(total 0x([0-9A-F]+)\)", DOC)
        assert m, "get-config facts not found in radio-modules.md"
        ser.write(bytes.fromhex(m.group(1)))
        total = int(m.group(4), 16)
        got = ser.read(total)
        assert len(got) == total and got[:5] == bytes.fromhex(m.group(2)) and xor(got) == 0
        assert len(got) - 6 == int(m.group(3), 16)
        params = got[5:-1]
        assert (params[5], params[69], params[70]) == (1, 1, 0x08)   # cmd out, RSSI, T1
        ser.write(bytes.fromhex("FF 04 01 09 F3"))
        assert ser.read(5) == cmd("FF 84 01 00")
        assert sim.listening() == {"C1", "T1"}
        ser.write(bytes.fromhex("FF 0C 00") + bytes((0xFF ^ 0x0C,)))
        assert ser.read(7) == cmd("FF 8C 03 01 04 00")


def test_bad_checksum_ignored_and_unknown_mode_refused(sim):
    with port(sim) as ser:
        ser.write(bytes.fromhex("00 FF 0B 00 F5"))
        ser.timeout = 0.3
        assert ser.read(1) == b""
        ser.timeout = 1
        ser.write(cmd("FF 04 01 04"))               # 0x04 is not a mode
        assert ser.read(5) == cmd("FF 84 01 01")
    assert sim.stats["bad_requests"] >= 1 and sim.mode == 0x08


def test_replays_capture_byte_exact():
    s = Amb8465Simulator()
    with s, port(s) as ser:
        n = CAPTURE_440[2] - 1
        frame = bytes((n,)) + CAPTURE_440[3:3 + n]
        assert s.deliver(frame, raw_rssi=CAPTURE_440[-2], mode="T1")
        assert ser.read(len(CAPTURE_440)) == CAPTURE_440


def test_transparent_mode_and_settings_after_reset():
    s = Amb8465Simulator(cmd_out=False, rssi_enable=True)
    frame = bytes.fromhex("0B44AE4C7856341201077A01")
    with s, port(s) as ser:
        assert s.deliver(frame, -80)
        assert ser.read(13) == bytes((12,)) + frame[1:] + bytes((rssi_raw(-80),))
        ser.write(cmd("FF 09 03 05 01 01"))       # SET_REQ UART_CMD_Out_Enable = 1
        assert ser.read(5) == cmd("FF 89 01 00")
        assert not s.cmd_out                       # non-volatile: after the next reset
        ser.write(cmd("FF 05 00"))
        assert ser.read(5) == cmd("FF 85 01 00")
        assert s.cmd_out
        assert s.deliver(frame, -80)
        assert ser.read(17) == cmd("FF 03 0C " + frame[1:].hex() + "%02X" % rssi_raw(-80))


def test_rssi_byte_reads_back_as_dbm():
    def to_dbm(raw):          # radio-modules.md: rssi>=128 ? (rssi-256)/2-74 : rssi/2-74 (C ints)
        v = raw - 256 if raw >= 128 else raw
        return int(v / 2) - 74
    for dbm in range(-138, -10):
        assert to_dbm(rssi_raw(dbm)) == dbm


def test_reset_falls_back_to_mode_preselect(sim):
    with port(sim) as ser:
        ser.write(bytes.fromhex("FF 04 01 0E"))
        ser.write(bytes((xor(bytes.fromhex("FF 04 01 0E")),)))
        assert ser.read(5) == cmd("FF 84 01 00")
        assert sim.listening() == {"C1"}
        sim.reset_module(partial=True)
        assert sim.listening() == {"T1"}
        # half a data indication was on the line when the module died
        half = ser.read(100)
        assert half[:2] == b"\xff\x03" and len(half) < 4 + half[2]
