"""Exactly once under faults, on SQLite and on PostgreSQL: the firmware's own store and
uplink (on the micropython binary) upload through a fault proxy on loopback that drops
connections mid-body, delays, answers 503 itself, sends a request to ingest twice, and
loses ingest's answer after ingest stored the batch; meanwhile the ingest process
(`fordel ingest`) is killed with SIGKILL and started again on the same database. At the end
every record the collector stored is in the database exactly once, with its contents."""
import asyncio
import itertools
import json
import os
import signal
import subprocess
import threading
import time

import pytest

from fordel.devtools.ingestproc import free_port, start_ingest, stop_ingest, worker_pids
from fordel.ingest.db import open_db
from fordel.paths import FIRMWARE, SHARED, micropython_binary

KEY = "5a" * 16
N = 240
FAULTS = ("ok", "drop_mid_body", "delay", "5xx", "repeat", "answer_lost", "ok")

COLLECTOR = r"""
import sys, json, asyncio, time
sys.path.insert(0, %(fw)r)
sys.path.insert(0, %(shared)r)
import store, uplink
from meterrecord import make_record
st = store.Store(%(root)r)
t0 = int(time.time()) - 30 * 86400
for i in range(%(n)d):
    v = i * 0.25
    st.append(make_record("fault-1", 0x12345600 + i %% 7, t0 + i * 600, -70, {"total_m3": v},
                          {"total_m3": v}, {"multiplier": 1}, bytes((0x0b, 0x44, i & 255))))
up = uplink.Uplink({"collector_id": "fault-1", "upload_key": %(key)r, "batch": 12,
                    "upload_url": "http://127.0.0.1:%(port)d/upload", "upload_every_s": 0,
                    "read_timeout_s": 3, "max_backoff_s": 0.2}, st)
async def go():
    task = asyncio.create_task(up.run())
    while st.pending(1):
        await asyncio.sleep(0.05)
    task.cancel()
asyncio.run(asyncio.wait_for(go(), 240))
print(json.dumps({"uplink": up.status(), "store": st.status()}))
"""


class FaultProxy:
    """Loopback proxy in front of ingest; each request gets the next fault of FAULTS."""

    def __init__(self, upstream_port):
        self.upstream = upstream_port
        self.faults = itertools.cycle(FAULTS)
        self.seen = {f: 0 for f in FAULTS}
        self.loop = asyncio.new_event_loop()
        self.port = None
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True).start()
        ready.wait(10)

    def _run(self, ready):
        asyncio.set_event_loop(self.loop)
        srv = self.loop.run_until_complete(asyncio.start_server(self.handle, "127.0.0.1", 0))
        self.port = srv.sockets[0].getsockname()[1]
        ready.set()
        self.loop.run_forever()

    async def _request(self, reader):
        head = await reader.readuntil(b"\r\n\r\n")
        n = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
        return head, await reader.readexactly(n)

    async def _forward(self, data):
        r, w = await asyncio.open_connection("127.0.0.1", self.upstream)
        try:
            w.write(data)
            await w.drain()
            head = await asyncio.wait_for(r.readuntil(b"\r\n\r\n"), 10)
            n = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
            return head + await asyncio.wait_for(r.readexactly(n), 10)
        finally:
            w.close()

    async def handle(self, reader, writer):
        try:
            head, body = await self._request(reader)
            fault = next(self.faults)
            self.seen[fault] += 1
            answer = b""
            if fault == "drop_mid_body":
                r, w = await asyncio.open_connection("127.0.0.1", self.upstream)
                w.write(head + body[:len(body) // 2])
                await w.drain()
                w.close()
            elif fault == "5xx":
                msg = b'{"error": "proxy: upstream unavailable"}'
                answer = b"HTTP/1.0 503 Service Unavailable\r\nContent-Length: %d\r\n\r\n%s" \
                    % (len(msg), msg)
            else:
                if fault == "delay":
                    await asyncio.sleep(0.4)
                if fault == "repeat":
                    await self._forward(head + body)
                answer = await self._forward(head + body)
                if fault == "answer_lost":
                    answer = b""              # stored by ingest, the collector never hears
            if answer:
                writer.write(answer)
                await writer.drain()
        except (OSError, asyncio.IncompleteReadError, asyncio.TimeoutError, IndexError):
            pass                              # ingest down or killed: the collector retries
        finally:
            writer.close()

    def close(self):
        self.loop.call_soon_threadsafe(self.loop.stop)


@pytest.mark.parametrize("workers", [1, 2])
def test_every_record_exactly_once_through_faults_and_a_killed_ingest(tmp_path, db_target,
                                                                      workers):
    """workers=2: `fordel ingest --workers 2`; one worker is killed (the supervisor starts
    another) while the other goes on, so batches of one collector are stored by two
    processes."""
    collectors = tmp_path / "collectors.csv"
    collectors.write_text("fault-1,1,%s,%s\n" % (KEY, " ".join("%08x" % (0x12345600 + i)
                                                              for i in range(7))))
    port = free_port()
    ingest = start_ingest(db_target, str(collectors), port, workers=workers)
    proxy = FaultProxy(port)
    db = open_db(db_target)
    mp = subprocess.Popen([micropython_binary(), "-X", "heapsize=512K", "-c", COLLECTOR % {
        "fw": str(FIRMWARE), "shared": str(SHARED), "root": str(tmp_path / "store"), "n": N,
        "key": KEY, "port": proxy.port}], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    killed = False
    try:
        deadline = time.monotonic() + 200
        while mp.poll() is None and time.monotonic() < deadline:
            if not killed and db.count() >= N // 3:
                if workers == 1:
                    os.kill(ingest.pid, signal.SIGKILL)       # no graceful anything
                    ingest.wait(10)
                    time.sleep(0.5)
                    ingest = start_ingest(db_target, str(collectors), port)
                else:
                    workers_before = worker_pids(ingest.pid)
                    assert len(workers_before) == 2, workers_before
                    os.kill(workers_before[0], signal.SIGKILL)
                killed = True
            time.sleep(0.05)
        out, err = mp.communicate(timeout=30)
    finally:
        if mp.poll() is None:
            mp.kill()
        workers_after = worker_pids(ingest.pid)
        # the supervisor looks at its workers every half second and a new one takes a
        # moment to start: the collector can be done before it is up
        end = time.monotonic() + 30
        while workers == 2 and killed and len(workers_after) < 2 and time.monotonic() < end:
            time.sleep(0.2)
            workers_after = worker_pids(ingest.pid)
        stop_ingest(ingest)
        proxy.close()
    assert mp.returncode == 0, out + err
    if workers == 2:        # the killed worker was replaced by the supervisor
        assert workers_before[0] not in workers_after and len(workers_after) == 2
    st = json.loads(out.strip().splitlines()[-1])
    assert killed and st["store"]["acked"] == N - 1
    recs = list(db.records())
    db.close()
    assert sorted(r["seq"] for r in recs) == list(range(N))        # each once, none missing
    for r in recs:
        assert r["values"] == {"total_m3": r["seq"] * 0.25}
        assert r["telegram"] == bytes((0x0b, 0x44, r["seq"] & 255))
    assert all(proxy.seen[f] for f in FAULTS), proxy.seen          # every fault happened
    assert st["uplink"]["failures"] >= proxy.seen["5xx"]
