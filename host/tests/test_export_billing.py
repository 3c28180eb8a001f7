"""The readings export takes each reading's current value from its driver's billing
contract (wmbus/billing.py): allocators whose makers call it consumption_hca (Zenner
caltose, Kaden, Relay) or current_hca (Apator E-ITN, Techem FHKV data III) reach the
export, and a meter that sends no current reading (MK Radio 4a) gives no row instead of its
set-date value."""
import io

from fordel.ingest.db import BatchItem, ReadingsDB

T = 1700000000          # 2023-11-14 UTC


def _record(seq, meter_id, values):
    rec = {"seq": seq, "meter_id": meter_id, "time": T, "rssi_dbm": None, "values": values,
           "coded": {}, "factors": {}, "telegram": b""}
    return BatchItem(seq, b"%d" % seq, rec)


def test_export_uses_each_drivers_current_reading(tmp_path):
    db = ReadingsDB(tmp_path / "r.sqlite")
    db.add_batch("c1", [
        _record(1, 0x80081991, {"meter": "caltose", "consumption_hca": 225, "target_hca": 99}),
        _record(2, 0x23701267, {"meter": "kaden", "consumption_hca": 859, "target_hca": 2264}),
        _record(3, 0x37373731, {"meter": "apatoreitn", "current_hca": 1, "previous_hca": 89}),
        _record(4, 0x11776622, {"meter": "fhkvdataiii", "current_hca": 131,
                                "previous_hca": 1026}),
        _record(5, 0x78563412, {"meter": "qcaloric", "current_consumption_hca": 127,
                                "consumption_at_set_date_hca": 145}),
        _record(6, 0x66953825, {"meter": "mkradio4a", "target_m3": 16.1}),
    ], now=T)
    out = io.StringIO()
    n = db.export_readings(out)
    rows = {line.split(",")[0]: line.split(",")[2] for line in out.getvalue().splitlines()[1:]}
    assert rows == {"80081991": "225", "23701267": "859", "37373731": "1", "11776622": "131",
                    "78563412": "127"}
    assert n == 5
    db.close()
