"""Radio drivers' byte layouts on real captures, run inside the micropython binary by
test_radio_parse.py (through shared/tests/mprun.py: plain test_* functions).

Captures (public wmbusmeters issue logs; facts, checked below by their own CRC/XOR):
  iM871A  issue #20:  two WMBUSMSG_IND with timestamp, RSSI and CRC16 trailers (ctrl 0xE)
  iM871A  issue #656: WMBUSMSG_IND with RSSI and CRC16 (given by the test from
          ../shared/docs/radio-modules.md via RADIO_DOC_IM871A*)
  AMB8665 issues #440, #933: CMD_DATA_IND in command mode, RSSI inside len
"""
import io
import os
from binascii import hexlify, unhexlify

from radio import amb8465, im871a
from radio.amb8465 import Amb8465
from radio.im871a import Im871a

IM_20A = unhexlify("A5E2031944304CF79EF520D401A241380013C69D93263470714EF2C39B6A0E114031EC79")
IM_20B = unhexlify("A5E2031944304C90061441CC01A2611D001391162A85AC7862ABBECFFC3BE911403808D3")
AMB_440 = unhexlify(
    "FF034F44A5115317635370077AFF004005C35CFCB76794E8AA0CAC200E4D05FCDB1413DADFD007D7E544"
    "8BC98395DDAE04ADC676E120D9EA369CB47633694E270E55110B9BC26D14DA6F626D4CD101D1856142")
AMB_933 = unhexlify(
    "FF035F4424232672607520047A26005005AF56FD0DD67B9D3658C59FCA370BFA2E3CC906C04771FD21A1"
    "7F4F2D18134B0AF93B9337E8264C3ABF6668AA2B12F7E68B0D4ED0F5B82A75CB1ECD27F965A25A5A35F2"
    "FD8ECD213CA6965F4F5CD6308CF4EC")


def im():
    return Im871a(io.BytesIO())


def amb():
    return Amb8465(io.BytesIO())


def frames(drv):
    out = []
    while drv.pending():
        i = drv._tail
        off = i * 256
        n = drv._ring[off]
        r = drv._rssi[i]
        out.append((bytes(drv._ring[off:off + 1 + n]), None if r == -32768 else r,
                    drv._ts[i] if drv._hasts[i] else None))
        drv._tail = (i + 1) % drv._slots
        drv._count -= 1
    return out


def wmbus(hci):
    """What an iM871A indication must become: L = len, then the payload."""
    n = hci[3]
    return bytes((n,)) + hci[4:4 + n]


# ---- iM871A ------------------------------------------------------------------------------
def test_im871a_crc_residue_on_captures():
    for f in (IM_20A, IM_20B):
        assert im871a.crc16(f, 1, len(f)) == 0x0F47
        assert im871a.crc16(f, 1, len(f) - 2) == f[-2] | f[-1] << 8


def test_im871a_capture_with_timestamp_rssi_crc():
    d = im()
    d.feed(IM_20A + IM_20B)
    got = frames(d)
    # issue #20 log: "timestamp 40110e6a", "rssi 31" / "timestamp 4011e93b", "rssi 38"
    assert got == [(wmbus(IM_20A), im871a.rssi_dbm(0x31), 0x40110E6A),
                   (wmbus(IM_20B), im871a.rssi_dbm(0x38), 0x4011E93B)], got
    assert got[0][0][:2] == b"\x19\x44"            # L=25 re-inserted, C-field SND_NR
    assert d.stats["frames"] == 2 and d.stats["crc_errors"] == 0
    assert d.stats["garbage_bytes"] == 0


def test_im871a_capture_from_radio_modules_doc():
    hexframe = os.getenv("RADIO_DOC_IM871A")
    assert hexframe, "RADIO_DOC_IM871A not given by the pytest wrapper"
    f = unhexlify(hexframe)
    d = im()
    d.feed(f)
    got = frames(d)
    assert got == [(wmbus(f), int(os.getenv("RADIO_DOC_IM871A_DBM")), None)], got
    c = int(os.getenv("RADIO_DOC_IM871A_CRC"), 16)
    assert f[-2] | f[-1] << 8 == c


def test_im871a_rssi_curve():
    # wmbusmeters toDBM: >= 230 -> 0, else -100 + (raw-45)*80/160 truncated toward zero
    assert im871a.rssi_dbm(230) == 0 and im871a.rssi_dbm(255) == 0
    assert im871a.rssi_dbm(45) == -100
    assert im871a.rssi_dbm(85) == -80         # "rssi 85 (-80 dBm)", wmbusmeters #383
    assert im871a.rssi_dbm(0x4C) == -84       # -84.5 truncated
    assert im871a.rssi_dbm(44) == -100        # -100.5 truncated toward zero
    assert im871a.rssi_dbm(0) == -122         # -122.5


def test_im871a_byte_by_byte_and_garbage():
    d = im()
    noise = b"\x00\x13\xff\x37"
    data = noise + IM_20A + noise + noise + IM_20B + b"\x01"
    for i in range(len(data)):
        d.feed(data[i:i + 1])
    got = frames(d)
    assert [g[0] for g in got] == [wmbus(IM_20A), wmbus(IM_20B)]
    assert d.stats["garbage_bytes"] == 3 * len(noise) + 1
    assert d._a == d._b == 0


def test_im871a_crc_error_counted_and_next_frame_kept():
    d = im()
    bad = bytearray(IM_20A)
    bad[10] ^= 0x01
    d.feed(bytes(bad) + IM_20B)
    got = frames(d)
    assert [g[0] for g in got] == [wmbus(IM_20B)]
    assert d.stats["crc_errors"] == 1


def test_im871a_false_start_resynchronises():
    d = im()
    # a noise A5 followed by a plausible header claiming 64 payload bytes + CRC: it eats
    # the real frames until its CRC fails, then the parser steps one byte and finds them
    d.feed(b"\xa5\x82\x03\x40" + IM_20A + IM_20B + IM_20A)
    got = frames(d)
    assert [g[0] for g in got] == [wmbus(IM_20A), wmbus(IM_20B), wmbus(IM_20A)], got
    assert d.stats["crc_errors"] == 1
    assert d.stats["garbage_bytes"] == 4


def test_im871a_frames_without_crc_are_false_once_crc_seen():
    d = im()
    d.feed(IM_20A)
    # an RSSI-only indication (ctrl 0x4) after the module proved it sends CRCs
    n = bytes((0xA5, 0x42, 0x03, 0x0A)) + wmbus(IM_20A)[1:11] + b"\x50"
    d.feed(n + IM_20B)
    assert [g[0] for g in frames(d)] == [wmbus(IM_20A), wmbus(IM_20B)]


def test_im871a_missing_rssi_asks_for_a_check():
    d = im()
    body = wmbus(IM_20A)[1:11]
    d.feed(bytes((0xA5, 0x02, 0x03, 0x0A)) + body)
    assert frames(d) == [(b"\x0a" + body, None, None)]
    assert d._recheck


def test_im871a_answer_goes_to_the_waiting_request_only():
    d = im()
    d.feed(b"\xa5\x01\x02\x00")                 # unsolicited PING_RSP
    assert d.stats["unexpected"] == 1
    d._want = 0x0110
    d.feed(b"\xa5\x01\x10\x08\x33\x00\x15\x17\x78\x56\x34\x12")
    assert d._want == -1 and bytes(d._ans[:d._ans_n]) == b"\x33\x00\x15\x17\x78\x56\x34\x12"


def test_im871a_requests_are_the_documented_bytes():
    buf = bytearray(16)
    n = im871a.frame(buf, 1, 0x01)
    assert bytes(buf[:n]) == b"\xa5\x01\x01\x00"
    n = im871a.frame(buf, 1, 0x03, bytes((0, 2, 10, 0x30, 1, 0)))
    assert hexlify(buf[:n]) == b"a501030600020a300100"
    n = im871a.frame(buf, 1, 0x01, b"", crc=True)
    assert im871a.crc16(buf, 1, n) == 0x0F47


def test_im871a_config_decode():
    cfg = im871a.decode_config(bytes((0x03, 0x00, 0x0A, 0x30, 0x01, 0x00)))
    assert cfg == {"device_mode": 0, "link_mode": 10, "auto_rssi": 1, "auto_timestamp": 0}


def test_im871a_ring_overrun_counted():
    d = Im871a(io.BytesIO(), slots=2)
    d.feed(IM_20A + IM_20B + IM_20A)
    assert d.pending() == 2 and d.stats["overruns"] == 1 and d.stats["telegrams"] == 3


# ---- AMB8465 -----------------------------------------------------------------------------
def amb_expect(cap):
    n = cap[2] - 1                              # RSSI is counted by len
    return bytes((n,)) + cap[3:3 + n], amb8465.rssi_dbm(cap[3 + n]), None


def test_amb8465_captures_command_mode():
    for cap in (AMB_440, AMB_933):
        assert amb8465.xor(cap, 0, len(cap)) == 0
    d = amb()
    d.feed(AMB_440 + AMB_933)
    got = frames(d)
    assert got == [amb_expect(AMB_440), amb_expect(AMB_933)], got
    assert got[0][1] == -26 and got[1][1] == -80   # 0x61 -> 48-74; 0xF4 -> -6-74
    assert got[0][0][:2] == b"\x4e\x44"


def test_amb8465_transparent_mode():
    d = amb()
    d.cmd_out = False                           # UART_CMD_Out_Enable = 0
    body = AMB_440[3:-1]                        # payload incl. RSSI, no FF/cmd/checksum
    d.feed(bytes((len(body),)) + body + b"\x02\x05" + bytes((len(body),)) + body)
    got = frames(d)
    assert got == [amb_expect(AMB_440)] * 2
    assert d.stats["garbage_bytes"] == 2


def test_amb8465_without_rssi():
    d = amb()
    d.rssi_on = False
    body = AMB_440[3:-2]
    f = bytearray((0xFF, 0x03, len(body))) + body
    f.append(amb8465.xor(f, 0, len(f)))
    d.feed(bytes(f))
    assert frames(d) == [(bytes((len(body),)) + body, None, None)]


def test_amb8465_checksum_error_and_resync():
    d = amb()
    bad = bytearray(AMB_440)
    bad[20] ^= 0x40
    d.feed(b"\x00\x07" + bytes(bad) + AMB_933)
    got = frames(d)
    # the broken frame's bytes are not taken for a transparent-mode telegram
    assert [g[0] for g in got] == [amb_expect(AMB_933)[0]], got
    assert d.stats["crc_errors"] == 1
    assert d.stats["garbage_bytes"] == 2 + len(AMB_440)


def test_amb8465_rssi_formula():
    assert amb8465.rssi_dbm(0) == -74
    assert amb8465.rssi_dbm(0x61) == -26
    assert amb8465.rssi_dbm(0x80) == -138
    assert amb8465.rssi_dbm(0xFF) == -74       # (-1)/2 truncates to 0
    assert amb8465.rssi_dbm(0xF3) == -80       # -13/2 -> -6


def test_amb8465_requests_match_documented_checksums():
    pairs = os.getenv("RADIO_DOC_AMB_CHECKSUMS")
    assert pairs, "RADIO_DOC_AMB_CHECKSUMS not given by the pytest wrapper"
    buf = bytearray(16)
    for pair in pairs.split(","):
        head, cs = pair.split(":")
        raw = unhexlify(head)
        n = amb8465.frame(buf, raw[1], raw[3:3 + raw[2]])
        assert bytes(buf[:n]) == raw + unhexlify(cs), (pair, hexlify(buf[:n]))
