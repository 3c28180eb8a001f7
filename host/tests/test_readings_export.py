"""The readings export carries, beside the raw reading, the collector's coded value and the
factors it applied, and the meter's own set date, set-date reading and clock where its
telegrams say them; a compact daily record (no telegram) exports like a full one. The
export then settles with a coding that agrees and is refused with one that does not."""
import csv
import datetime
import io
import json

import pytest

from fordel.ingest.db import BatchItem, ReadingsDB
from fordel.settle.example import make_property
from fordel.settle.property import PropertyError, load
from meterrecord import decode, encode, make_compact, make_record
from meterrecord.coding import pack_factors

DAY = int(datetime.datetime(2024, 3, 1, tzinfo=datetime.timezone.utc).timestamp())
WATER = 0x22334455
HCA = 0x11223344


def _records():
    full = make_record("c1", WATER, DAY + 3600, -70,
                       {"total_m3": 12.5, "target_date": "2024-02-29", "target_m3": 12.0,
                        "meter_datetime": "2024-03-01 01:00", "status": "OK"},
                       {"total_m3": 125.0}, {"multiplier": 10.0}, b"\x05\x44\x00\x00\x00")
    # the next day: a compact record (main value and packed factors only)
    compact = make_compact(WATER, DAY + 86400 + 60, {"total_m3": 13.0}, 1,
                           pack_factors(2, 0, 0, 0, 0, 10 * 1000000))
    hca = make_record("c1", HCA, DAY + 7200, -80,
                      {"current_consumption_hca": 100, "set_date": "2023-12-31",
                       "consumption_at_set_date_hca": 80, "device_datetime": "2024-03-01 02:00"},
                      {"current_consumption_hca": 112.5},
                      {"scale": "unit", "kq": 1.25, "kc": 0.9, "reduction": 0.0}, b"\x05")
    return [decode(encode(r, seq)) for seq, r in enumerate((full, compact, hca))]


def _export(tmp_path):
    db = ReadingsDB(tmp_path / "r.db")
    items = [BatchItem(r["seq"], b"%d" % r["seq"], r) for r in _records()]
    assert db.add_batch("c1", items, now=DAY + 86400 * 2)["new"] == 3
    out = io.StringIO()
    assert db.export_readings(out) == 3
    return out.getvalue()


def test_export_carries_coded_value_factors_and_meter_dates(tmp_path):
    rows = list(csv.DictReader(io.StringIO(_export(tmp_path))))
    by = {(r["meter_id"], r["date"]): r for r in rows}
    w1 = by[("22334455", "2024-03-01")]
    assert (w1["value"], w1["coded_value"]) == ("12.5", "125.0")       # 12.5 x 10
    assert json.loads(w1["factors"]) == {"multiplier": 10.0}
    assert (w1["set_date"], w1["set_date_value"], w1["meter_time"]) == \
        ("2024-02-29", "12.0", "2024-03-01 01:00")
    w2 = by[("22334455", "2024-03-02")]                  # the compact record
    assert (w2["value"], w2["coded_value"]) == ("13.0", "130.0")
    assert json.loads(w2["factors"]) == {"multiplier": 10.0}
    assert (w2["set_date"], w2["meter_time"]) == ("2024-02-29", "")   # latest known; no clock
    h = by[("11223344", "2024-03-01")]
    assert (h["value"], h["coded_value"], h["set_date"], h["set_date_value"]) == \
        ("100", "112.5", "2023-12-31", "80")
    assert json.loads(h["factors"])["kq"] == 1.25


def _meters(multiplier, kq):
    return [{"meter_id": "22334455", "apartment": "st.tv", "kind": "cold_water",
             "multiplier": multiplier},
            {"meter_id": "11223344", "apartment": "st.tv", "kind": "hca", "scale": "unit",
             "kq": kq, "kc": "0.9"}]


def test_export_settles_with_the_same_coding_and_not_with_another(tmp_path):
    (tmp_path / "readings.csv").write_text(_export(tmp_path), encoding="utf-8")
    period = (datetime.date(2024, 3, 1), datetime.date(2024, 3, 2))
    ok = make_property(tmp_path / "ok", _meters("10", "1.25"), tmp_path / "readings.csv",
                       period=period)
    prop = load(ok)
    assert [m.multiplier for m in prop.meters if m.id == "22334455"] == [10]
    bad = make_property(tmp_path / "bad", _meters("1", "1.3"), tmp_path / "readings.csv",
                        period=period)
    with pytest.raises(PropertyError) as e:
        load(bad)
    text = str(e.value)
    assert "meter 22334455" in text and "multiplier 10.0 in the record, 1.0 in the coding" \
        in text
    assert "meter 11223344" in text and "kq 1.25 in the record, 1.3 in the coding" in text
