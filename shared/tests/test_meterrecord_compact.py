"""The compact record (the daily reading) and the coding factors it carries: decoded into
the full record's names, coded value = value x the factor the coding defines (worked by hand
here), the set-date form with its telegram, and unusable records refused with the reason.
On both interpreters (plain asserts, no pytest)."""
from meterrecord import RecordError, decode, encode, make_compact, make_record
from meterrecord.cbor import dumps
from meterrecord.coding import disagreement, factor, pack_factors, unpack_factors


def test_compact_allocator_reading():
    # KQ 1.25, KC 0.9, reduction 0.1, unit scale: 200 units x 1.25 x 0.9 x 0.9 = 202.5
    rec = make_compact(0x12345678, 1735689600, {"current_consumption_hca": 200}, 0,
                       pack_factors(0, 0, 1250, 900, 1000, 0))
    raw = encode(rec, 70000)
    r = decode(raw)
    assert r["form"] == "compact" and r["seq"] == 70000 and r["meter_id"] == 0x12345678
    assert r["values"] == {"current_consumption_hca": 200}
    assert r["factors"] == {"scale": "unit", "kq": 1.25, "kc": 0.9, "reduction": 0.1}
    assert r["coded"] == {"current_consumption_hca": 202.5}
    assert r["telegram"] == b"" and r["collector_id"] is None
    assert len(raw) <= 45                   # the daily record stays small (capacity test)


def test_compact_set_date_reading_keeps_telegram_and_meter_dates():
    frame = bytes([9]) + bytes(range(9))
    rec = make_compact(0x22, 1735689600, {"total_m3": 12.5, "target_m3": 12.0,
                                          "target_date": "2024-12-31"}, 1,
                       pack_factors(1, 0, 0, 0, 0, 2500000), frame)
    r = decode(encode(rec, 1))
    assert r["telegram"] == frame
    assert r["values"] == {"total_m3": 12.5, "target_m3": 12.0, "set_date": "2024-12-31"}
    assert r["factors"] == {"multiplier": 2.5} and r["coded"] == {"total_m3": 31.25}


def test_full_record_still_decodes_with_store_id():
    rec = make_record("c", 1, 1735689600, -70, {"total_m3": 1.0}, {"total_m3": 1.0},
                      {"multiplier": 1.0}, b"\x01\x00")
    r = decode(encode(rec, 3))
    assert r["form"] == "full" and r["store_id"] is None
    rec[10] = "0badcafe"
    assert decode(encode(rec, 3))["store_id"] == "0badcafe"


def test_unusable_compact_records_refused():
    for change, reason in (({11: 99}, "not a main field"), ({12: "x"}, "not a number"),
                           ({13: [1, 2]}, "field 13"), ({2: None}, "field 2 (seq)"),
                           ({14: 0, 15: "x"}, "set-date reading"), ({16: 5}, "set_date")):
        m = {0: 2, 2: 1, 3: 5, 4: 1735689600, 11: 0, 12: 3, 13: [0, 1000, 1000, 0]}
        m.update(change)
        try:
            decode(dumps(m))
        except RecordError as e:
            assert reason in str(e), (change, str(e))
        else:
            raise AssertionError("accepted %r" % change)


def test_factor_definitions():
    assert abs(factor("hca", "unit", 1.5, 0.8, 0, 1) - 1.2) < 1e-12
    # product scale: KQ, KC and reductions are already in the count (seed 004: "Ved en
    # måler med produktskala er eventuelle reduktioner regnet med i antallet af de delinger")
    assert factor("hca", "product", 1.5, 0.8, 0.2, 1) == 1
    assert factor("cold_water", "", 1, 1, 0, 10) == 10
    assert unpack_factors(pack_factors(0, 1, 500, 1000, 0, 0))["scale"] == "product"
    assert disagreement({"multiplier": 10.0}, "cold_water", "", 1, 1, 0, 10) == ""
    assert disagreement({"multiplier": 10.0000001}, "cold_water", "", 1, 1, 0, 10) == ""
    assert "multiplier 1.0 in the record, 10.0 in the coding" in \
        disagreement({"multiplier": 1.0}, "cold_water", "", 1, 1, 0, 10)
