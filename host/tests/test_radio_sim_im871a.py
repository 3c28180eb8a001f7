"""The iM871A simulator, driven over its pty with pyserial like a host program would:
answers and telegram indications byte for byte (WMBus HCI, docs/protocols.md)."""
import re
import struct
import time

import pytest
import serial

from fordel.paths import given_data
from fordel.sim.im871a import Im871aSimulator, rssi_raw

DOC = (given_data() / "docs" / "radio-modules.md").read_text()
# wmbusmeters issue #20 debug log: "timestamp 40110e6a", "rssi 31", "got crc16 79ec"
CAPTURE_20 = bytes.fromhex(
    "A5E2031944304CF79EF520D401A241380013C69D93263470714EF2C39B6A0E114031EC79")


def x25(data):
    """CRC-16/X-25 written out from the spec text: reflected 0x8408, init FFFF, complement."""
    crc = 0xFFFF
    for byte in data:
        for bit in range(8):
            mix = (crc ^ (byte >> bit)) & 1
            crc >>= 1
            if mix:
                crc ^= 0x8408
    return crc ^ 0xFFFF


def doc_capture_656():
    m = re.search(r"Another: `((?:[0-9A-F]{2} ?)+)`", DOC)
    return bytes.fromhex(m.group(1))


def with_crc(head):
    return head + struct.pack("<H", x25(head[1:]))


@pytest.fixture
def sim():
    s = Im871aSimulator()
    s.start()
    yield s
    s.close()


def port(sim):
    return serial.Serial(sim.path, 57600, timeout=1)


def test_crc_reference_on_captures():
    for cap in (CAPTURE_20, doc_capture_656()):
        assert x25(cap[1:-2]) == struct.unpack("<H", cap[-2:])[0]
        assert x25(cap[1:]) == 0x0F47


def test_ping_device_info_and_config(sim):
    with port(sim) as ser:
        ser.write(bytes.fromhex("A5 01 01 00"))
        assert ser.read(6) == with_crc(bytes.fromhex("A5 81 02 00"))
        ser.write(bytes.fromhex("A5 01 0F 00"))
        assert ser.read(14) == with_crc(bytes.fromhex("A5 81 10 08 33 00 15 17 78 56 34 12"))
        # SET_CONFIG exactly as radio-modules.md gives it, link mode C1+T1 (10)
        assert "`A5 01 03 06 00 02 <linkmode> 30 01 00`" in DOC
        ser.write(bytes.fromhex("A5 01 03 06 00 02 0A 30 01 00"))
        assert ser.read(7) == with_crc(bytes.fromhex("A5 81 04 01 00"))
        ser.write(bytes.fromhex("A5 01 05 00"))
        head = ser.read(4)
        assert head[:3] == bytes.fromhex("A5 81 06")
        body = ser.read(head[3] + 2)
        assert x25(head[1:] + body) == 0x0F47
        assert body[0] == 0xFF and body[1:3] == bytes((0x00, 0x0A))    # device mode, link mode
        assert body[13] == 0xFF and body[14 + 4] == 1 and body[14 + 5] == 0  # RSSI on, ts off
    assert sim.listening() == {"C1", "T1"} and sim.nv["link_mode"] == 3   # volatile only


def test_request_with_crc_answered_bad_crc_ignored(sim):
    with port(sim) as ser:
        ser.write(with_crc(bytes.fromhex("A5 81 01 00")))
        assert ser.read(6) == with_crc(bytes.fromhex("A5 81 02 00"))
        bad = bytearray(with_crc(bytes.fromhex("A5 81 01 00")))
        bad[-1] ^= 1
        ser.write(b"\x00\x11" + bytes(bad))
        ser.timeout = 0.3
        assert ser.read(1) == b""
    assert sim.stats["bad_requests"] >= 2 and sim.stats["requests"] == 1


def test_replays_capture_byte_exact():
    s = Im871aSimulator(nv_auto_rssi=1, nv_auto_timestamp=1)
    s.clock = lambda: 0x40110E6A
    with s, port(s) as ser:
        n = CAPTURE_20[3]
        assert s.deliver(bytes((n,)) + CAPTURE_20[4:4 + n], raw_rssi=0x31)
        assert ser.read(len(CAPTURE_20)) == CAPTURE_20
    cap = doc_capture_656()
    s = Im871aSimulator(nv_auto_rssi=1)
    with s, port(s) as ser:
        assert s.deliver(bytes((cap[3],)) + cap[4:4 + cap[3]], raw_rssi=cap[-3])
        assert ser.read(len(cap)) == cap


def test_rssi_byte_reads_back_as_dbm():
    def to_dbm(raw):          # radio-modules.md: >=230 -> 0, else -100 + (80/160)*(raw-45)
        return 0 if raw >= 230 else int(-100 + (80 / 160) * (raw - 45))
    for dbm in range(-122, -7):
        assert to_dbm(rssi_raw(dbm)) == dbm
    assert to_dbm(rssi_raw(-3)) == -8 and rssi_raw(5) == 230


def test_link_mode_filter_reset_and_frame_check(sim):
    with port(sim) as ser:
        frame = bytes.fromhex("0B44AE4C7856341201077A01")
        assert sim.listening() == {"T1"}                  # nv link mode T1
        assert not sim.deliver(frame, mode="C1")
        assert sim.deliver(frame, -70, mode="T1")
        out = ser.read(4 + 11 + 2)                        # nv: no RSSI, no timestamp
        assert out == with_crc(bytes.fromhex("A5 82 03 0B") + frame[1:])
        ser.write(bytes.fromhex("A5 01 03 06 00 02 07 30 01 00"))
        ser.read(7)
        assert sim.listening() == {"C1"}
        sim.reset_module(partial=False)
        assert sim.listening() == {"T1"} and sim.config["auto_rssi"] == 0
    with pytest.raises(ValueError, match="L=0c but 11 bytes follow"):
        sim.deliver(b"\x0c" + frame[1:])


def test_c1t1_refused_by_old_firmware():
    s = Im871aSimulator(firmware=0x13)
    with s, port(s) as ser:
        ser.write(bytes.fromhex("A5 01 03 06 00 02 0A 30 01 00"))
        assert ser.read(7) == with_crc(bytes.fromhex("A5 81 04 01 01"))
        assert s.listening() == {"T1"}


def test_corrupt_next_and_hang(sim):
    with port(sim) as ser:
        sim.corrupt_next()
        ser.write(bytes.fromhex("A5 01 01 00"))
        got = ser.read(6)
        assert len(got) == 6 and x25(got[1:]) != 0x0F47
        sim.responding = False
        ser.write(bytes.fromhex("A5 01 01 00"))
        ser.timeout = 0.3
        assert ser.read(1) == b"" and not sim.deliver(bytes.fromhex("0B44AE4C7856341201077A01"))
        sim.responding = True
        ser.timeout = 1
        t = time.monotonic()
        ser.write(bytes.fromhex("A5 01 01 00"))
        assert ser.read(6) == with_crc(bytes.fromhex("A5 81 02 00"))
        assert time.monotonic() - t < 0.5
