"""The ingest endpoint and readings database, on SQLite and on PostgreSQL: signed batches
stored once and acknowledged as far as stored; a seq held with different content refused;
record contents checked; bad and hostile uploads answered with the reason, nothing of a
refused batch stored; the readings export."""
import csv
import datetime
import io
import json
import math
import socket
import time

import cbor2
import pytest
from ingest_client import get_status, post, raw, rec

from fordel.ingest.db import ReadingsDB, open_db
from fordel.ingest.registry import Registry, RegistryError, parse_collectors
from fordel.ingest.server import Limits, serve_in_thread

KEY = bytes(range(16))
NOW = 1700000000 + 3600          # the server's clock in these tests


def serve(db_target, **kw):
    kw.setdefault("clock", lambda: NOW)
    kw.setdefault("meters", {"c1": [0x12345678, 0x99], "Søndergade-1": [0x12345678]})
    keys = kw.pop("keys", {"c1": KEY, "Søndergade-1": KEY})
    return serve_in_thread(db_target, keys, **kw)


@pytest.fixture
def srv(db_target):
    s = serve(db_target, status_token="tok")
    yield s
    s.shutdown()
    s.db.close()


def port(srv):
    return srv.server_address[1]


def test_batch_stored_once_and_acknowledged(srv):
    body = cbor2.dumps([rec(0), rec(1, hca=101)])
    code, ans, signed = post(port(srv), body, KEY)
    assert (code, ans["acked"], ans["new"], ans["time"], signed) == (200, 1, 2, NOW, True)
    code, ans, _ = post(port(srv), body, KEY)               # resent after a lost answer
    assert (code, ans["acked"], ans["new"], ans["duplicate"]) == (200, 1, 0, 2)
    rows = list(srv.db.records())
    assert [r["seq"] for r in rows] == [0, 1]
    assert rows[1]["values"] == {"current_consumption_hca": 101}
    assert rows[0]["telegram"] == b"\x0b\x44" and rows[0]["meter_id"] == "12345678"


def test_collector_id_in_utf8(srv):
    body = cbor2.dumps([rec(7, collector="Søndergade-1")])
    code, ans, signed = post(port(srv), body, KEY, collector="Søndergade-1")
    assert (code, ans["acked"], signed) == (200, 7, True)
    assert srv.db.count("Søndergade-1") == 1


def test_seq_held_with_other_content_is_refused_and_ack_stops_before_it(srv):
    assert post(port(srv), cbor2.dumps([rec(0), rec(1), rec(2)]), KEY)[0] == 200
    # a collector that reuses seqs (damaged store, spare unit): 1 same, 2 different, 3 new
    body = cbor2.dumps([rec(1), rec(2, hca=555), rec(3)])
    code, ans, signed = post(port(srv), body, KEY)
    assert code == 409 and signed
    assert ans["acked"] == 1                       # not 3: seq 2 and 3 are not stored
    assert "seq 2 already held with different content" in ans["error"]
    assert [r["seq"] for r in srv.db.records()] == [0, 1, 2]
    assert [r["values"]["current_consumption_hca"] for r in srv.db.records()] == [100] * 3
    fleet = srv.db.fleet(NOW)["collectors"]["c1"]
    assert fleet["seq_conflicts"] == 1 and "seq 2" in fleet["last_error"]


def test_record_contents_checked_before_storing(srv):
    early = int(datetime.datetime(2019, 12, 31, 23, 59, tzinfo=datetime.timezone.utc)
                .timestamp())
    bad = {10: rec(10, t=early), 11: rec(11, t=NOW + 86400),
           12: rec(12, values={"current_consumption_hca": math.nan}),
           13: rec(13, values={"total_m3": "12.5"}),
           14: rec(14, values={"total_m3": 1.0, "history": [1, 2]}),
           15: rec(15, meter=0x55555555), 16: rec(16, t=10 ** 13)}
    body = cbor2.dumps([rec(9)] + list(bad.values()) + [rec(17)])
    code, ans, _ = post(port(srv), body, KEY)
    assert code == 200 and ans["acked"] == 17 and ans["new"] == 2
    why = dict(ans["refused"])
    assert "before 2020-01-01" in why[10] and "in the future" in why[11]
    assert "finite number" in why[12] and "finite number" in why[13]
    assert "want a number or short text" in why[14]
    assert "meter 55555555 is not registered for collector c1" in why[15]
    assert "in the future" in why[16]             # 10^13 once broke the whole export
    assert [r["seq"] for r in srv.db.records()] == [9, 17]
    assert [r[1] for r in srv.db.refused("c1")] == sorted(bad)
    assert post(port(srv), body, KEY)[1]["duplicate"] == 9      # refused ones are held too
    assert sum(srv.db.fleet(NOW)["collectors"]["c1"]["refused_records"].values()) == 7
    assert srv.db.export_readings(io.StringIO()) == 1


def test_meter_clock_disagreement_flagged(srv):
    body = cbor2.dumps([rec(0, values={"total_m3": 1.5, "meter_datetime": "2023-11-14 22:13"}),
                        rec(1, values={"total_m3": 1.6, "meter_datetime": "2023-11-03 10:00"})])
    assert post(port(srv), body, KEY)[0] == 200
    # record time 1700000000 = 2023-11-14 22:13:20 UTC
    assert [r["meter_skew_s"] for r in srv.db.records()] == [20, 1700000000 - 1699005600]
    assert srv.db.fleet(NOW)["collectors"]["c1"]["meter_clock_disagreements"] == 1


def test_bad_uploads_are_refused_with_reason(srv):
    good = cbor2.dumps([rec(0)])
    p = port(srv)
    assert post(p, good, KEY, sig="00" * 32)[0] == 401
    code, ans, _ = post(p, good, KEY, collector="c9")
    assert code == 401 and "unknown collector 'c9'" in ans["error"]
    code, ans, _ = post(p, good, KEY, key_id="7")
    assert code == 401 and "no key id '7'" in ans["error"]
    code, ans, _ = post(p, b"\xff\x00", KEY)
    assert code == 400 and "not CBOR" in ans["error"]
    code, ans, _ = post(p, cbor2.dumps([rec(5), rec(6)[:-4]]), KEY)
    assert code == 400 and "record 1 of the batch" in ans["error"]
    code, ans, _ = post(p, cbor2.dumps([rec(2 ** 63)]), KEY)
    assert code == 400 and "seq 9223372036854775808 outside 0..2^63-1" in ans["error"]
    code, ans, _ = post(p, cbor2.dumps([rec(-5)]), KEY)
    assert code == 400 and "seq -5 outside" in ans["error"]
    code, ans, _ = post(p, cbor2.dumps([rec(1, collector="c2")]), KEY)
    assert code == 400 and "names collector 'c2'" in ans["error"]
    code, ans, _ = post(p, good, KEY, sig="é" * 64)
    assert code == 401 and "64 hex digits" in ans["error"]
    code, ans, _ = post(p, good, KEY, ctime=2 ** 64)
    assert code == 400 and "X-Fordel-Time" in ans["error"]
    assert srv.db.count() == 0                 # nothing of a refused batch was stored
    assert srv.refused == 10


def test_broken_http_gets_an_answer_with_reason(srv):
    p = port(srv)
    out = raw(p, b"POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 400") and b"bad HTTP request" in out
    out = raw(p, b"POST /upload HTTP/1.1\r\nHost: x\r\nX-Fordel-Collector: c1\r\n"
                 b"X-Fordel-Signature: " + b"0" * 64 + b"\r\nX-Fordel-Time: 1\r\n"
                 b"Content-Length: 4194304\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 413") and b"over the limit" in out
    out = raw(p, b"POST /upload HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"a" * 100000)
    assert out.startswith(b"HTTP/1.1 431") and b"request head over" in out
    out = raw(p, b"GET /nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert out.startswith(b"HTTP/1.1 404") and b"/nothing" in out


def test_unauthenticated_body_is_never_read(srv):
    """A client that is not a collector gets 401 from its headers; the server answers
    without waiting for (or buffering) the body."""
    s = socket.create_connection(("127.0.0.1", port(srv)), timeout=5)
    s.sendall(b"POST /upload HTTP/1.1\r\nHost: x\r\nX-Fordel-Collector: intruder\r\n"
              b"X-Fordel-Signature: " + b"0" * 64 + b"\r\nX-Fordel-Time: 1\r\n"
              b"Content-Length: 200000\r\n\r\n" + b"x" * 1000)
    t0 = time.monotonic()
    out = s.recv(4096)
    s.close()
    assert out.startswith(b"HTTP/1.1 401") and time.monotonic() - t0 < 2


def test_idle_and_slow_clients_are_cut(db_target):
    lim = Limits()
    lim.head_timeout_s, lim.read_timeout_s = 0.5, 0.5
    s = serve(db_target, limits=lim)
    try:
        p = port(s)
        t0 = time.monotonic()
        assert raw(p, b"").startswith(b"HTTP/1.1 408")       # connected, sent nothing
        assert raw(p, b"POST /upload HTTP/1.1\r\nHost").startswith(b"HTTP/1.1 408")
        assert time.monotonic() - t0 < 5
        body = cbor2.dumps([rec(0)])
        code, ans, _ = post(p, body, KEY, headers={"Content-Length": str(len(body) + 10)})
        assert code == 408 and "then nothing for" in ans["error"]
        assert post(p, body, KEY)[0] == 200                   # the server still serves
    finally:
        s.shutdown()
        s.db.close()


def test_rate_limit_per_collector(db_target):
    lim = Limits()
    lim.rate_per_s, lim.rate_burst = 0.5, 2
    s = serve(db_target, limits=lim)
    try:
        codes = [post(port(s), cbor2.dumps([rec(i)]), KEY)[0] for i in range(3)]
        assert codes == [200, 200, 429]
        body = cbor2.dumps([rec(0, collector="Søndergade-1")])
        assert post(port(s), body, KEY, collector="Søndergade-1")[0] == 200
    finally:
        s.shutdown()
    assert s.db.fleet(NOW)["collectors"]["c1"]["rate_limited"] == 1
    s.db.close()


def test_status_needs_the_token_and_reports_the_fleet(srv):
    p = port(srv)
    assert get_status(p)[0] == 401
    assert get_status(p, "wrong")[0] == 401
    day = 86400
    body = cbor2.dumps([rec(0, t=NOW - 10 * day), rec(3, t=NOW - 10 * day, meter=0x99),
                        rec(4, t=NOW - day)])
    assert post(p, body, KEY, ctime=NOW - 120)[0] == 200
    post(p, body, KEY, sig="11" * 32)
    code, st = get_status(p, "tok", "?silent_days=5")
    assert code == 200
    c1 = st["collectors"]["c1"]
    assert (c1["records"], c1["missing_seqs"], c1["clock_skew_s"]) == (3, 2, 120)
    assert c1["auth_failures"] == 1 and c1["last_contact"] == NOW
    assert [m["meter_id"] for m in st["silent_meters"]] == ["00000099"]


def test_readings_export_one_row_per_meter_and_day(srv):
    day = int(datetime.datetime(2023, 11, 1, tzinfo=datetime.timezone.utc).timestamp())
    body = cbor2.dumps([rec(0, t=day + 3600, hca=10), rec(1, t=day + 7200, hca=12),
                        rec(2, t=day + 86400 + 60, hca=15),
                        rec(3, meter=0x99, t=day + 60, hca=1)])
    assert post(port(srv), body, KEY)[0] == 200
    out = io.StringIO()
    n = srv.db.export_readings(out)
    lines = [",".join(ln.split(",")[:6]) for ln in out.getvalue().splitlines()]
    assert n == 3 and lines[0] == "meter_id,date,value,kind,source,telegram_ref"
    assert lines[1:] == ["00000099,2023-11-01,1,reading,collector,c1:3",
                         "12345678,2023-11-01,12,reading,collector,c1:1",
                         "12345678,2023-11-02,15,reading,collector,c1:2"]
    out = io.StringIO()
    assert srv.db.export_readings(out, start=datetime.date(2023, 11, 2)) == 1


def test_readings_export_carries_the_allocators_set_date(srv):
    # an allocator's telegram holds its set date and the register on it; the settlement
    # books the yearly reset from them (docs/settlement.md, readings)
    t = int(datetime.datetime(2023, 11, 1, tzinfo=datetime.timezone.utc).timestamp())
    r = rec(0, t=t, hca=30, values={"current_consumption_hca": 30, "set_date": "2023-09-30",
                                    "consumption_at_set_date_hca": 70})
    assert post(port(srv), cbor2.dumps([r]), KEY)[0] == 200
    out = io.StringIO()
    srv.db.export_readings(out)
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert (row["value"], row["set_date"], row["set_date_value"]) == ("30", "2023-09-30", "70")
    assert row["coded_value"] == "36.0"                 # 30 x KQ 1.2, as the collector coded
    assert json.loads(row["factors"]) == {"kq": 1.2}


def test_collectors_file_rules_and_key_rotation(tmp_path, db_target):
    k1, k2 = "11" * 16, "22" * 16
    with pytest.raises(RegistryError, match="row 1: empty key"):
        parse_collectors("c1,1,,*")
    with pytest.raises(RegistryError, match="is 4 bytes"):
        parse_collectors("c1,1,00112233,*")
    with pytest.raises(RegistryError, match="no meters"):
        parse_collectors("c1,1,%s," % k1)
    f = tmp_path / "collectors.csv"
    f.write_text("collector_id,key_id,key,meters\nSøndergade-1,1,%s,12345678\n" % k1,
                 encoding="utf-8")
    reg = Registry(str(f))
    s = serve(db_target, registry=reg)
    try:
        p = port(s)
        b = cbor2.dumps([rec(0, collector="Søndergade-1")])
        assert post(p, b, bytes.fromhex(k1), "Søndergade-1")[0] == 200
        # rotation: both keys in force, then the old one removed; no restart
        f.write_text("Søndergade-1,1,%s,12345678\nSøndergade-1,2,%s,12345678\n" % (k1, k2),
                     encoding="utf-8")
        assert reg.refresh(force=True) is None
        assert post(p, b, bytes.fromhex(k2), "Søndergade-1", key_id="2")[0] == 200
        f.write_text("Søndergade-1,2,%s,12345678\n" % k2, encoding="utf-8")
        reg.refresh(force=True)
        assert post(p, b, bytes.fromhex(k1), "Søndergade-1", key_id="1")[0] == 401
        f.write_text("Søndergade-1,2,,12345678\n", encoding="utf-8")   # broken edit
        assert "previous keys stay" in reg.refresh(force=True)
        assert post(p, b, bytes.fromhex(k2), "Søndergade-1", key_id="2")[0] == 200
    finally:
        s.shutdown()
        s.db.close()


def test_sqlite_database_of_the_first_schema_is_migrated(tmp_path):
    import sqlite3
    path = tmp_path / "old.sqlite"
    c = sqlite3.connect(path)
    c.execute("CREATE TABLE records (collector_id TEXT NOT NULL, seq INTEGER NOT NULL, "
              "meter_id TEXT NOT NULL, time INTEGER NOT NULL, rssi_dbm INTEGER, "
              "values_json TEXT NOT NULL, coded_json TEXT NOT NULL, factors_json TEXT NOT "
              "NULL, telegram BLOB NOT NULL, received_at INTEGER NOT NULL, "
              "PRIMARY KEY (collector_id, seq))")
    c.execute("INSERT INTO records VALUES ('c1', 0, '12345678', 1700000000, -70, "
              "'{\"total_m3\": 1}', '{}', '{}', x'0b44', 1700000001)")
    c.commit()
    c.close()
    db = open_db(str(path))
    assert isinstance(db, ReadingsDB) and db.count() == 1
    s = serve(db)
    try:
        assert post(port(s), cbor2.dumps([rec(0), rec(1)]), KEY)[1]["acked"] == 1
    finally:
        s.shutdown()
    assert db.count() == 2


def test_a_thousand_idle_connections_do_not_lock_out_collectors(tmp_path):
    """Found on the old server: 1,020 idle connections from one client locked out every
    collector. Now they cost a descriptor each until the head deadline, and uploads go on."""
    s = serve(str(tmp_path / "r.sqlite"))
    idle = []
    try:
        for _ in range(1020):
            idle.append(socket.create_connection(("127.0.0.1", port(s)), timeout=5))
        t0 = time.monotonic()
        code, ans, _ = post(port(s), cbor2.dumps([rec(0)]), KEY)
        assert (code, ans["acked"]) == (200, 0) and time.monotonic() - t0 < 2
    finally:
        for c in idle:
            c.close()
        s.shutdown()
        s.db.close()


def test_a_seq_stored_by_another_worker_meanwhile_is_a_duplicate_not_an_error(pg_url):
    """Two ingest workers with batches of one collector: between this batch's check of the
    seqs held and its insert, the other worker stores seq 1. The batch is checked again:
    seq 1 counts as a duplicate, seq 2 is stored, nothing twice."""
    from fordel.ingest.db import BatchItem
    from fordel.ingest.pg import PgReadingsDB, reset_for_tests
    from meterrecord import from_map
    reset_for_tests(pg_url)
    mine, other = PgReadingsDB(pg_url), PgReadingsDB(pg_url)

    def item(seq):
        raw = rec(seq)
        return BatchItem(seq, raw, from_map(cbor2.loads(raw)))

    insert = mine._insert_records
    raced = []

    def insert_after_the_other_worker(c, rows):
        if not raced:
            raced.append(other.add_batch("c1", [item(1)], NOW))
        insert(c, rows)

    mine._insert_records = insert_after_the_other_worker
    res = mine.add_batch("c1", [item(1), item(2)], NOW)
    assert raced[0]["new"] == 1
    assert (res["acked"], res["new"], res["duplicate"], res["conflict"]) == (2, 1, 1, None)
    assert sorted(r["seq"] for r in mine.records()) == [1, 2]
    mine.close()
    other.close()
