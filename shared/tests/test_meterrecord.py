"""The reading record and its CBOR, on both interpreters."""
from meterrecord import RecordError, cbor, decode, encode, make_record
from meterrecord.cbor_read import loads


def sample():
    return make_record("coll-7", 0x12345678, 1700000000, -71,
                       {"current_consumption_hca": 127, "set_date": "2018-12-31",
                        "total_m3": 1.174},
                       {"current_consumption_hca": 150.1}, {"kq": 1.2, "scale": "unit"},
                       b"\x31\x44\x93\x44")


def test_round_trip():
    raw = encode(sample(), 42)
    r = decode(raw)
    assert r["seq"] == 42 and r["meter_id"] == 0x12345678 and r["collector_id"] == "coll-7"
    assert r["values"]["total_m3"] == 1.174 and r["values"]["set_date"] == "2018-12-31"
    assert r["coded"] == {"current_consumption_hca": 150.1}
    assert r["telegram"] == b"\x31\x44\x93\x44" and r["rssi_dbm"] == -71


def test_cbor_values():
    for v in (0, 23, 24, 255, 256, 65535, 65536, 2 ** 32, -1, -24, -25, -2 ** 40, 1.5, -0.0,
              "", "æøå", b"", bytes(300), [1, [2, 3]], {"a": None, 1: True, 2: False}):
        assert loads(cbor.dumps(v)) == v, v


def test_cbor_known_bytes():
    # RFC 8949 Appendix A examples
    assert cbor.dumps(100) == b"\x18\x64"
    assert cbor.dumps(-1000) == b"\x39\x03\xe7"
    assert cbor.dumps([1, [2, 3], [4, 5]]) == b"\x83\x01\x82\x02\x03\x82\x04\x05"
    assert loads(b"\xf9\x3c\x00") == 1.0           # half precision
    assert loads(b"\xfa\x47\xc3\x50\x00") == 100000.0


def _err(data):
    try:
        decode(data)
    except RecordError as e:
        return str(e)
    raise AssertionError("no RecordError")


def test_broken_records_are_named():
    raw = encode(sample(), 1)
    assert "broken CBOR" in _err(raw[:-3])
    assert "broken CBOR" in _err(raw + b"\x00")
    assert "not a CBOR map" in _err(cbor.dumps([1, 2]))
    m = loads(raw)
    m[0] = 9
    assert "version 9" in _err(cbor.dumps(m))
    m[0] = 1
    del m[4]
    assert "field 4 (time) missing" in _err(cbor.dumps(m))
    m[4] = "noon"
    assert "field 4 (time) is str" in _err(cbor.dumps(m))
    assert "indefinite" in _err(b"\x9f\xff")


def test_fixed_writer_same_bytes_and_full_buffer():
    from meterrecord import FixedWriter, encode_to
    rec = sample()
    w = FixedWriter(bytearray(512))
    n = encode_to(rec, 77, w)
    assert bytes(w.buf[:n]) == encode(rec, 77)
    n2 = encode_to(rec, 78, w)                 # the writer is reused for the next record
    assert decode(bytes(w.buf[:n2]))["seq"] == 78
    small = FixedWriter(bytearray(20))
    try:
        encode_to(rec, 1, small)
    except ValueError as e:
        assert "does not fit 20 bytes" in str(e)
    else:
        raise AssertionError("no ValueError")
