"""What the workers of `fordel ingest --workers N` share: the upload rate limit per
collector (ratelimit.py; before, each worker kept its own buckets, so a collector whose
connections reached two workers got twice its rate) and the answer counts of GET /status
(workercounts.py; before, the answering worker's own)."""
import http.client
import os

import cbor2
from ingest_client import get_status, post, rec

from fordel.devtools.ingestproc import free_port, start_ingest, stop_ingest
from fordel.ingest import ratelimit
from fordel.ingest.server import Limits

KEY = bytes(range(32))


def test_two_workers_share_one_bucket(tmp_path):
    path = ratelimit.create_file()
    try:
        a, b = ratelimit.SharedBuckets(path), ratelimit.SharedBuckets(path)
        # burst 3, 0.5 a second: three uploads at t=0 whichever worker takes them
        assert [a.take("c1\n10.0.0.1", 0.5, 3, now=100.0),
                b.take("c1\n10.0.0.1", 0.5, 3, now=100.0),
                a.take("c1\n10.0.0.1", 0.5, 3, now=100.0)] == [0, 0, 0]
        assert b.take("c1\n10.0.0.1", 0.5, 3, now=100.0) == 2.0      # 1 token at 0.5/s
        assert a.take("c1\n10.0.0.1", 0.5, 3, now=101.0) == 1.0      # half a token more
        assert b.take("c1\n10.0.0.1", 0.5, 3, now=102.0) == 0        # one refilled
        assert a.take("c2\n10.0.0.1", 0.5, 3, now=102.0) == 0        # another collector
        assert a.take("c1\n10.0.0.2", 0.5, 3, now=102.0) == 0        # another address
        a.close()
        b.close()
    finally:
        os.unlink(path)


def test_full_table_reuses_refilled_then_longest_unused(tmp_path, monkeypatch):
    monkeypatch.setattr(ratelimit, "SLOTS", 4)
    monkeypatch.setattr(ratelimit, "PROBE", 4)
    path = ratelimit.create_file()
    try:
        b = ratelimit.SharedBuckets(path)
        for i in range(4):                   # four names fill the table, their bursts spent
            for _ in range(2):
                assert b.take("n%d" % i, 0.1, 2, now=10.0 + i) == 0
        # a fifth takes over the longest unused (n0) and starts from a full burst
        assert b.take("n4", 0.1, 2, now=13.5) == 0
        assert b.take("n1", 0.1, 2, now=13.5) > 0            # n1 is still there, spent
        assert b.take("n0", 0.1, 2, now=13.6) == 0           # n0 was dropped: a new burst
        # long after, every bucket has refilled: as good as empty, a new name gets one
        assert b.take("n5", 0.1, 2, now=100.0) == 0
        assert b.take("n5", 0.1, 2, now=100.0) == 0
        assert b.take("n5", 0.1, 2, now=100.0) > 0
        b.close()
    finally:
        os.unlink(path)


def test_ingest_workers_enforce_one_rate_per_collector(tmp_path):
    burst = Limits.rate_burst
    coll = tmp_path / "collectors.csv"
    coll.write_text("c1,1,%s,*\n" % KEY.hex())
    port = free_port()
    p = start_ingest(str(tmp_path / "r.sqlite"), str(coll), port, rate=0.01, workers=2)
    try:
        # connections held open at once: the workers take them in turn (balance.py)
        conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                 for _ in range(burst + 10)]
        for c in conns:
            c.connect()
        codes = [post(port, cbor2.dumps([rec(i)]), KEY, conn=c)[0]
                 for i, c in enumerate(conns)]
        for c in conns:
            c.close()
    finally:
        stop_ingest(p)
    # 0.01 uploads/s refill nothing in the test's few seconds: the burst, then 429s
    assert codes.count(200) == burst and codes.count(429) == 10, codes


def test_status_counts_the_answers_of_every_worker(tmp_path, monkeypatch):
    """GET /status `answers` sums what all workers answered (workercounts.py), not only the
    worker that happens to answer the status request."""
    monkeypatch.setenv("FORDEL_STATUS_TOKEN", "tok")
    coll = tmp_path / "collectors.csv"
    coll.write_text("c1,1,%s,*\n" % KEY.hex())
    port = free_port()
    p = start_ingest(str(tmp_path / "r.sqlite"), str(coll), port, rate=1000, workers=2)
    try:
        conns = [http.client.HTTPConnection("127.0.0.1", port, timeout=10) for _ in range(12)]
        for c in conns:
            c.connect()
        codes = [post(port, cbor2.dumps([rec(i)]), KEY, conn=c)[0] for i, c in enumerate(conns)]
        codes += [post(port, cbor2.dumps([rec(100 + i)]), bytes(32), conn=c)[0]   # wrong key
                  for i, c in enumerate(conns[:4])]
        for c in conns:
            c.close()
        counts = [get_status(port, "tok")[1]["answers"] for _ in range(4)]
    finally:
        stop_ingest(p)
    assert codes == [200] * 12 + [401] * 4
    # the status requests reach either worker; each sees all 16 answers
    assert counts == [{"200": 12, "401": 4}] * 4, counts
