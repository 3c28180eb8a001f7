"""Variable-length records (DIF data field 0x0D): the LVAR byte's length and meaning as
EN 13757-3:2018 table 5 defines them: 00-BF text of LVAR characters; C0-C9 / D0-D9 positive
/ negative BCD of (LVAR - C0h / D0h) x 2 digits (0-18 digits, so LVAR - C0h bytes); E0-EF
binary of LVAR - E0h bytes; F0-F4 binary of 4 x (LVAR - ECh) bytes; F5 48 bytes; F6 64
bytes; CA-CF, DA-DF and F7-FF reserved."""
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
    # BCD: 2 digits a byte, 18 digits (C9, D9) at most
    assert [lvar_length(v) for v in (0xC0, 0xC3, 0xC9, 0xD0, 0xD4, 0xD9)] == \
        [0, 3, 9, 0, 4, 9]
    assert [lvar_length(v) for v in (0xE0, 0xE8, 0xEF)] == [0, 8, 15]
    assert [lvar_length(v) for v in (0xF0, 0xF1, 0xF2, 0xF3, 0xF4)] == [16, 20, 24, 28, 32]
    assert lvar_length(0xF5) == 48 and lvar_length(0xF6) == 64
    reserved = list(range(0xCA, 0xD0)) + list(range(0xDA, 0xE0)) + list(range(0xF7, 0x100))
    assert [v for v in range(0x100) if lvar_length(v) == -1] == reserved


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
    for lv in (0xCA, 0xDF, 0xF7):
        try:
            Decoder().decode(frame([0x0D, 0x13, lv] + [0x11] * 15), driver="oms-water")
        except WMBusError as e:
            assert e.code == errors.MALFORMED and "LVAR" in str(e), e
            assert "0x%02X" % lv in str(e), e
            continue
        raise AssertionError("reserved LVAR 0x%02X decoded" % lv)
