"""Ingest throughput on loopback: `fordel ingest` as its own process (as deployed), signed
batches of 100 records from 10 and from 100 concurrent collectors, into SQLite and into
PostgreSQL (a throwaway cluster, fordel/devtools/pgcluster.py); p50/p99 batch latency; bytes
per record on the wire; the server's memory under 200 slow clients. Bounded: a fixed number of
batches per run, loopback only.

Records are the collector's own format (shared/meterrecord) at the size the collector
writes (~380 bytes: a heat cost allocator's values, coded values, factors and telegram).
"""
import asyncio
import hashlib
import hmac
import json
import os
import sys
import tempfile
import time

import cbor2

from fordel.devtools import ingestproc
from meterrecord import encode, make_record

KEY = bytes(range(32))
BATCH = 100
T0 = int(time.time()) - 86400
WORKERS = 2          # fordel ingest --workers: one per core of this 2-core machine


def row(metric, value, unit, target=""):
    print(json.dumps({"bench": "ingest", "metric": metric, "value": value, "unit": unit,
                      "target": target}), flush=True)


def record(cid, seq, meter):
    values = {"current_consumption_hca": 1234 + seq % 100, "set_date": "2024-12-31",
              "consumption_at_set_date_hca": 1100, "meter_datetime": "2024-11-03 12:00",
              "status": "OK", "flow_temperature_c": 45.5, "room_temperature_c": 21.5}
    coded = {"current_consumption_hca": (1234 + seq % 100) * 1.25,
             "consumption_at_set_date_hca": 1375.0}
    telegram = bytes(range(40)) * 3
    return encode(make_record(cid, meter, T0 + seq % 80000, -71, values, coded,
                              {"kq": 1.25, "kc": 1.0, "reduction": 1.0}, telegram), seq)


def request(cid, seq0):
    recs = [record(cid, s, 0x10000000 + s % 50) for s in range(seq0, seq0 + BATCH)]
    body = cbor2.dumps(recs)
    ctime = int(time.time())
    canon = ("fordel-upload-v2\nPOST\n/upload\n%s\n1\n%d\n%d\n"
             % (cid, ctime, len(body))).encode()
    sig = hmac.new(KEY, canon + body, hashlib.sha256).hexdigest()
    head = ("POST /upload HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Fordel-Collector: %s\r\n"
            "X-Fordel-Key-Id: 1\r\nX-Fordel-Time: %d\r\nX-Fordel-Signature: %s\r\n"
            "Content-Type: application/cbor\r\nContent-Length: %d\r\n\r\n"
            % (cid, ctime, sig, len(body))).encode()
    return head + body


async def collector(port, reqs, lat, wire, ready, every=None, phase=0.0, reconnect=False):
    """Send the requests one after the other (every=None: as fast as answered), or one
    every `every` seconds from `phase` on (an offered load). reconnect: each on a
    connection of its own, as the firmware's uplink does (it connects for a batch and
    closes after the answer; the latency then includes the connect); else all on one
    kept-alive connection."""
    conn = None if reconnect else await asyncio.open_connection("127.0.0.1", port)
    ready.append(1)
    await start.wait()
    t0 = time.perf_counter() + phase
    for k, req in enumerate(reqs):
        if every is not None:
            await asyncio.sleep(max(0.0, t0 + k * every - time.perf_counter()))
        t = time.perf_counter()
        r, w = conn or await asyncio.open_connection("127.0.0.1", port)
        w.write(req)
        await w.drain()
        head = await r.readuntil(b"\r\n\r\n")
        n = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
        body = await r.readexactly(n)
        if reconnect:
            w.close()
        if not head.startswith(b"HTTP/1.1 200") or b'"new": %d' % BATCH not in body:
            raise RuntimeError("upload not stored new: %s" % (head + body)[:300])
        lat.append(time.perf_counter() - t)
        wire[0] += len(req) + len(head) + n
    if conn:
        conn[1].close()


def cpu_seconds(pids):
    """User + system CPU time of the processes so far (s)."""
    total = 0
    for p in pids:
        try:
            with open("/proc/%d/stat" % p) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / os.sysconf("SC_CLK_TCK")


async def load(port, n_coll, batches_each, prefix, every=None, seq0=0, reconnect=False,
               server_pids=()):
    """n_coll collectors "<prefix>-<i>" sending batches of seqs seq0, seq0+100, ...: every
    request is built (and every connection open) before the clock starts, and every batch
    must be stored as new (a bench of duplicates would measure less work). Returns
    records/s, p50 and p99 batch latency (s), wire bytes per record, and the CPU time of
    server_pids per record (us) while the clock ran."""
    global start
    start = asyncio.Event()
    lat, wire, ready = [], [0], []
    reqs = [[request("%s-%d" % (prefix, i), seq0 + k * BATCH) for k in range(batches_each)]
            for i in range(n_coll)]
    tasks = [asyncio.create_task(collector(port, reqs[i], lat, wire, ready, every,
                                           (every or 0) * i / n_coll, reconnect))
             for i in range(n_coll)]
    while len(ready) < n_coll:
        await asyncio.sleep(0.01)
        for t in tasks:
            if t.done():
                t.result()                        # a connection that failed: its error
    t0, cpu0 = time.perf_counter(), cpu_seconds(server_pids)
    start.set()
    await asyncio.gather(*tasks)
    dt, cpu = time.perf_counter() - t0, cpu_seconds(server_pids) - cpu0
    lat.sort()
    n = n_coll * batches_each * BATCH
    return n / dt, lat[len(lat) // 2], lat[int(len(lat) * 0.99)], wire[0] / n, cpu / n * 1e6


def start_ingest(db, collectors, port, workers=None):
    return ingestproc.start_ingest(db, collectors, port, rate=100000,
                                   workers=workers or WORKERS)


def rss_mb(pid):
    """Resident memory of the ingest process and its workers (--workers), MB."""
    total = 0.0
    for p in [pid] + ingestproc.child_pids(pid):
        try:
            with open("/proc/%d/status" % p) as f:
                total += sum(int(line.split()[1]) for line in f if line.startswith("VmRSS:"))
        except OSError:
            pass
    return total / 1024


async def slow_clients(port, n, seconds, server_pid):
    """n clients that send a valid-looking head for a 200 KB body, then 1000 bytes a second;
    the server's largest resident memory while they trickle (MB)."""
    conns, peak = [], 0.0
    for i in range(n):
        r, w = await asyncio.open_connection("127.0.0.1", port)
        w.write(b"POST /upload HTTP/1.1\r\nHost: x\r\nX-Fordel-Collector: slow-%d\r\n"
                b"X-Fordel-Key-Id: 1\r\nX-Fordel-Time: 1\r\nX-Fordel-Signature: %s\r\n"
                b"Content-Length: 200000\r\n\r\n" % (i % 10, b"0" * 64))
        conns.append(w)
    for _ in range(int(seconds)):
        for w in conns:
            try:
                w.write(b"x" * 1000)
            except Exception:
                pass
        await asyncio.sleep(1)
        peak = max(peak, rss_mb(server_pid))
    for w in conns:
        w.close()
    return peak


OFFERED = 20000          # records/s: the target rate, offered by 10 or 100 collectors


def run_engine(name, db, tmp, sizes=((10, 40), (100, 8)), extras=True):
    """Two kinds of run for each size (10 and 100 collectors, batches of 100):
    - offered: every collector sends a batch every n*100/20,000 s (10 collectors: 0.05 s,
      100: 0.5 s), starts spread evenly over that interval, so the server is offered 20,000
      records/s, the target rate; p50/p99 there are what a collector waits at that rate;
    - back to back: every collector sends its next batch as soon as the last is answered:
      the server's capacity in records/s. Then n*100 records are always in flight, so the
      mean latency of a batch is n*100 / records/s whatever the server does (Little's law):
      the row "mean by Little's law" prints it beside the measured p50/p99.
    Both with kept-alive connections, and the 100-collector ones also with a connection per
    batch, as the firmware's uplink does."""
    coll = tmp / ("collectors-%s.csv" % name)
    ids = ["c10-%d" % i for i in range(10)] + ["c100-%d" % i for i in range(100)] + \
        ["slow-%d" % i for i in range(10)]
    coll.write_text("".join("%s,1,%s,*\n" % (c, KEY.hex()) for c in ids))
    port = ingestproc.free_port()
    p = start_ingest(db, str(coll), port)
    seq0 = [10**7]

    def run(n_coll, batches, every=None, reconnect=False):
        seq0[0] += batches * BATCH
        pids = [p.pid] + ingestproc.child_pids(p.pid)
        return asyncio.run(load(port, n_coll, batches, "c%d" % n_coll, every=every,
                                seq0=seq0[0], reconnect=reconnect, server_pids=pids))
    try:
        run(10, 5)              # measured: a server that has taken uploads
        for n_coll, batches in sizes:
            modes = ((False, ""), (True, ", a connection per batch")) if n_coll == 100 \
                else ((False, ""),)
            for reconnect, how in modes:
                every = n_coll * BATCH / OFFERED
                rate, p50, p99, per, _ = run(n_coll, batches, every, reconnect)
                label = "%s %d collectors offering %s records/s%s" % (name, n_coll,
                                                                     "{:,}".format(OFFERED), how)
                row("batch latency p50 %s" % label, round(p50 * 1000, 1), "ms")
                row("batch latency p99 %s" % label, round(p99 * 1000, 1), "ms", "< 250")
                if n_coll == 10 and name == "SQLite":
                    row("bytes per record on the wire (batches of %d)" % BATCH, round(per),
                        "B")
            for reconnect, how in modes:
                rate, p50, p99, _, cpu = run(n_coll, batches, reconnect=reconnect)
                label = "%s %d collectors back to back%s" % (name, n_coll, how)
                row("records/s %s, batches of %d" % (label, BATCH), round(rate), "/s",
                    ">= 20000")
                if not reconnect:
                    row("ingest CPU per record (user+system, all workers) %s" % label,
                        round(cpu, 1), "us")
                row("batch latency mean by Little's law %s: %d in flight / records/s"
                    % (label, n_coll * BATCH), round(n_coll * BATCH / rate * 1000, 1), "ms")
                row("batch latency p50 %s" % label, round(p50 * 1000, 1), "ms")
                row("batch latency p99 %s" % label, round(p99 * 1000, 1), "ms")
        if extras and name == "SQLite":
            before = rss_mb(p.pid)
            after = asyncio.run(slow_clients(port, 200, 6, p.pid))
            row("server RSS before -> under 200 slow clients (MB)",
                "%.0f -> %.0f" % (before, after), "MB", "flat (< +50)")
    finally:
        p.terminate()
        p.wait(20)


def main(argv=()):
    """No arguments: the whole bench. `--only sqlite|postgresql --collectors N`: one row set
    (N collectors offering 20,000 records/s, then back to back), to re-measure one figure."""
    import argparse
    import pathlib as pl
    global WORKERS
    ap = argparse.ArgumentParser()
    ap.add_argument("--only", choices=("sqlite", "postgresql"))
    ap.add_argument("--collectors", type=int, choices=(10, 100))
    ap.add_argument("--workers", type=int, default=WORKERS)
    a = ap.parse_args(argv)
    WORKERS = a.workers
    sizes = [s for s in ((10, 40), (100, 8)) if a.collectors in (None, s[0])]
    extras = a.collectors is None
    tmp = pl.Path(tempfile.mkdtemp(prefix="fordel-bench-ingest-"))
    if a.only != "postgresql":
        run_engine("SQLite", str(tmp / "bench.sqlite"), tmp, sizes, extras)
    if a.only == "sqlite":
        return
    from fordel.devtools.pgcluster import Cluster, ClusterUnavailable
    cluster = Cluster(durable=True)     # fsync and synchronous_commit on, as deployed
    try:
        url = cluster.start()
    except (ClusterUnavailable, OSError) as e:
        row("PostgreSQL: cluster could not start: %s" % str(e)[:120], 0, "")
        return
    try:
        run_engine("PostgreSQL", url, tmp, sizes, extras)
    finally:
        cluster.stop()
    os.system("rm -rf %s" % tmp)


if __name__ == "__main__":
    main(sys.argv[1:])
