"""Long format-B frames (C1 mode) that still carry their two CRCs are recognised in "auto"
mode and stripped; frames without CRCs are left alone (on both interpreters)."""
import vectorfile
from wmbus import Decoder, unhex
from wmbus.rawframe import is_format_b_long, strip_format_b


def _c1long():
    for c in vectorfile.cases():
        if c["case_id"] == "hcae2:C1Long":
            return unhex(c["telegram"])
    raise AssertionError("vector hcae2:C1Long missing")


def test_long_format_b_detected_and_stripped():
    raw = _c1long()
    assert len(raw) == 206 and is_format_b_long(raw)
    plain = strip_format_b(raw)
    assert len(plain) == 202 and plain[0] == 201
    assert not is_format_b_long(plain)              # CRCs gone: not taken for format B
    a = Decoder().decode(raw, driver="hcae2")
    b = Decoder().decode(plain, driver="hcae2")
    assert a == b and a["delta_14_half_months_ago_hca"] == 0


def test_damaged_crc_is_not_format_b():
    raw = bytearray(_c1long())
    raw[60] ^= 0x01                                  # one bit in block 1+2
    assert not is_format_b_long(bytes(raw))
    assert not is_format_b_long(bytes(130))          # too short to tell
