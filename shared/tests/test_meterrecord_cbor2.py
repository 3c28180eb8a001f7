# cpython-only: cross-check our CBOR with cbor2, the reference CPython implementation
import cbor2

from meterrecord import cbor, decode, encode, make_record
from meterrecord.cbor_read import loads


def test_our_bytes_are_what_cbor2_reads_and_writes():
    rec = make_record("c", 0xFFFFFFFF, 2 ** 31, None, {"x": -3.25, "s": "æ"}, {}, {}, bytes(70))
    raw = encode(rec, 2 ** 33)
    assert cbor2.loads(raw) == {0: 1, 1: "c", 2: 2 ** 33, 3: 0xFFFFFFFF, 4: 2 ** 31, 5: None,
                                6: {"x": -3.25, "s": "æ"}, 7: {}, 8: {}, 9: bytes(70)}
    assert decode(cbor2.dumps(cbor2.loads(raw)))["seq"] == 2 ** 33
    for v in (0, -1, 2 ** 64 - 1, 1.1, float("inf"), [], {"a": [b"x", None]}):
        assert loads(cbor2.dumps(v)) == v
        assert cbor2.loads(cbor.dumps(v)) == v
