"""The ingest endpoint and readings database: signed batches stored once, bad uploads refused
with the reason, nothing of a refused batch stored; the readings export."""
import datetime
import hashlib
import hmac
import io
import json
import urllib.error
import urllib.request

import cbor2
import pytest

from fordel.ingest.server import serve_in_thread
from meterrecord import encode, make_record

KEY = bytes(range(16))


def rec(seq, meter=0x12345678, t=1700000000, hca=100):
    return encode(make_record("c1", meter, t, -70, {"current_consumption_hca": hca},
                              {"current_consumption_hca": hca * 1.2}, {"kq": 1.2},
                              b"\x0b\x44"), seq)


def post(srv, body, collector="c1", key=KEY, sig=None):
    sig = sig or hmac.new(key, body, hashlib.sha256).hexdigest()
    req = urllib.request.Request("http://127.0.0.1:%d/upload" % srv.server_address[1],
                                 data=body, method="POST",
                                 headers={"X-Fordel-Collector": collector,
                                          "X-Fordel-Signature": sig})
    try:
        with urllib.request.urlopen(req, timeout=5) as r:
            return r.status, json.loads(r.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


@pytest.fixture
def srv(tmp_path):
    s = serve_in_thread(str(tmp_path / "r.sqlite"), {"c1": KEY})
    yield s
    s.shutdown()


def test_batch_stored_once_and_acknowledged(srv):
    body = cbor2.dumps([rec(0), rec(1, hca=101)])
    assert post(srv, body) == (200, {"acked": 1, "new": 2})
    assert post(srv, body) == (200, {"acked": 1, "new": 0})     # resent after a lost answer
    rows = list(srv.db.records())
    assert [r["seq"] for r in rows] == [0, 1]
    assert rows[1]["values"] == {"current_consumption_hca": 101}
    assert rows[0]["telegram"] == b"\x0b\x44" and rows[0]["meter_id"] == "12345678"


def test_bad_uploads_are_refused_with_reason(srv):
    good = cbor2.dumps([rec(0)])
    assert post(srv, good, sig="00" * 32)[0] == 401
    code, ans = post(srv, good, collector="c9")
    assert code == 401 and "unknown collector 'c9'" in ans["error"]
    code, ans = post(srv, b"\xff\x00")
    assert code == 400 and "not CBOR" in ans["error"]
    code, ans = post(srv, cbor2.dumps([rec(5), rec(6)[:-4]]))
    assert code == 400 and "record 1 of the batch: broken CBOR" in ans["error"]
    assert srv.db.count() == 0                 # nothing of a refused batch was stored
    assert srv.refused == 4


def test_readings_export_one_row_per_meter_and_day(tmp_path, srv):
    day = datetime.datetime(2024, 3, 1, tzinfo=datetime.timezone.utc).timestamp()
    body = cbor2.dumps([rec(0, t=int(day) + 3600, hca=10), rec(1, t=int(day) + 7200, hca=12),
                        rec(2, t=int(day) + 86400 + 60, hca=15),
                        rec(3, meter=0x99, t=int(day) + 60, hca=1)])
    assert post(srv, body)[0] == 200
    out = io.StringIO()
    n = srv.db.export_readings(out)
    lines = [",".join(ln.split(",")[:6]) for ln in out.getvalue().splitlines()]
    assert n == 3 and lines[0] == "meter_id,date,value,kind,source,telegram_ref"
    assert lines[1:] == ["00000099,2024-03-01,1,reading,collector,c1:3",
                         "12345678,2024-03-01,12,reading,collector,c1:1",
                         "12345678,2024-03-02,15,reading,collector,c1:2"]
    out = io.StringIO()
    assert srv.db.export_readings(out, start=datetime.date(2024, 3, 2)) == 1
