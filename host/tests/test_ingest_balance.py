"""`fordel ingest --workers 2` spreads connections evenly over its workers (balance.py,
server.AcceptingServer). Before, 100 connections opened at once split 59/41 to 75/25 (the
worker whose event loop woke first took every waiting connection), and the busier worker
set the p99 latency in make bench."""
import asyncio
import os
import subprocess
import sys
import time

from fordel.devtools.ingestproc import free_port, start_ingest, stop_ingest, worker_pids
from fordel.ingest import balance


def _established_inodes(port):
    """Socket inodes of the server side of established TCP connections on port (/proc)."""
    out = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(name).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            f = line.split()
            if f[3] == "01" and int(f[1].rsplit(":", 1)[1], 16) == port:
                out.add(f[9])
    return out


def _socket_inodes(pid):
    out = set()
    for fd in os.listdir("/proc/%d/fd" % pid):
        try:
            link = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        if link.startswith("socket:["):
            out.add(link[8:-1])
    return out


def test_hundred_connections_opened_at_once_split_evenly(tmp_path):
    coll = tmp_path / "collectors.csv"
    coll.write_text("c-1,1,%s,*\n" % ("00" * 32))
    port = free_port()
    p = start_ingest(str(tmp_path / "r.sqlite"), str(coll), port, workers=2)
    try:
        async def connect_all():
            conns = await asyncio.gather(*[asyncio.open_connection("127.0.0.1", port)
                                           for _ in range(100)])
            deadline = time.monotonic() + 10
            while True:         # until every connection is held by a worker
                est = _established_inodes(port)
                held = [len(est & _socket_inodes(w)) for w in worker_pids(p.pid)]
                if sum(held) == 100 or time.monotonic() > deadline:
                    break
                await asyncio.sleep(0.1)
            for _, w in conns:
                w.close()
            return held

        held = asyncio.run(connect_all())
        assert sum(held) == 100, held
        assert max(held) - min(held) <= 2, held      # 59/41 .. 75/25 before
    finally:
        stop_ingest(p)


def test_a_worker_waits_for_the_less_loaded_one_at_most_the_bound(tmp_path):
    path = balance.create_file()
    try:
        other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
        try:
            me = balance.WorkerShares(path)
            # the other (live) worker's slot, holding 3 connections
            balance.SLOT.pack_into(me.map, ((me.slot + 1) % balance.SLOTS) * balance.SLOT.size,
                                   other.pid, 3)
            t = time.monotonic()
            me.wait_turn(lambda: 3)                       # no more than the other: at once
            assert time.monotonic() - t < 0.02
            t = time.monotonic()
            me.wait_turn(lambda: 4)                       # more: waits, but only the bound
            waited = time.monotonic() - t
            assert balance.TURN_WAIT_S <= waited < balance.TURN_WAIT_S + 0.5
        finally:
            other.kill()
            other.wait()
        t = time.monotonic()
        me.wait_turn(lambda: 4)                           # the other has died: no wait
        assert time.monotonic() - t < 0.02
        again = balance.WorkerShares(path)                # a worker started in its place
        assert again.slot == (me.slot + 1) % balance.SLOTS     # the dead one's
    finally:
        os.unlink(path)
