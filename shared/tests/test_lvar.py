"""Variable-length records (DIF data field 0x0D): the LVAR byte's length and meaning as
EN 13757-3 defines them (00-BF text, C0-CF / D0-DF positive / negative BCD, E0-EF binary,
F0-F4 4 x (LVAR - 0xEC) bytes, F5 48, F6 64, F7-FF reserved)."""
from wmbus import Decoder, WMBusError, errors
from wmbus.dv import Records, lvar_length

# header of a plaintext OMS water meter telegram (manufacturer FDL, id 12345678, version 1,
# type 7, CI 0x7A, access 1, status 0, configuration 0)
HEAD = bytes((0x44, 0x8C, 0x18, 0x78, 0x56, 0x34, 0x12, 0x01, 0x07, 0x7A, 0x01, 0x00, 0x00,
              0x00))


def frame(records):
    body = HEAD + bytes(records)
    return bytes((len(body),)) + body


def parse(records):
    r = Records()
    data = bytes(records)
    r.parse_plain(data, 0, len(data)) if hasattr(r, "parse_plain") else \
        r.parse(data, 0, len(data))
    return r


def test_lengths_by_the_standard():
    assert [lvar_length(v) for v in (0x00, 0x05, 0xBF)] == [0, 5, 0xBF]
    assert [lvar_length(v) for v in (0xC0, 0xC3, 0xCF, 0xD4, 0xE0, 0xE8, 0xEF)] == \
        [0, 3, 15, 4, 0, 8, 15]
    assert [lvar_length(v) for v in (0xF0, 0xF1, 0xF2, 0xF3, 0xF4)] == [16, 20, 24, 28, 32]
    assert lvar_length(0xF5) == 48 and lvar_length(0xF6) == 64
    assert all(lvar_length(v) == -1 for v in range(0xF7, 0x100))


def test_bcd_binary_and_text_values():
    # volume in litres (VIF 0x13): +123456 BCD (C3), -1234 BCD (D2), 0x010203 binary (E3),
    # then the fabrication number sent as text "AB12" (last character first)
    recs = [0x0D, 0x13, 0xC3, 0x56, 0x34, 0x12,
            0x4D, 0x13, 0xD2, 0x34, 0x12,
            0x8D, 0x01, 0x13, 0xE3, 0x03, 0x02, 0x01,
            0x0D, 0x78, 0x04, ord("2"), ord("1"), ord("B"), ord("A")]
    r = parse(recs)
    assert r.n == 4
    assert r.raw(0) == 123456 and r.value(0) == 123.456
    assert r.raw(1) == -1234
    assert r.raw(2) == 0x010203
    assert r.text(3) == "AB12"


def test_long_binary_lvar_skips_to_the_next_record():
    # F0: 16 bytes of binary data, then a volume record that must be read right
    recs = [0x0D, 0xFD, 0x0E, 0xF0] + list(range(16)) + [0x04, 0x13, 0x10, 0x27, 0x00, 0x00]
    r = parse(recs)
    assert r.n == 2 and r.length(0) == 16 and r.value(1) == 10.0     # 10000 l


def test_reserved_lvar_is_an_error_naming_it():
    try:
        Decoder().decode(frame([0x0D, 0x13, 0xF7, 0x00]), driver="oms-water")
    except WMBusError as e:
        assert e.code == errors.MALFORMED and "LVAR" in str(e), e
        return
    raise AssertionError("reserved LVAR decoded")
