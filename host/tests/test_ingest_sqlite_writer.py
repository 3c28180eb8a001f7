"""The SQLite readings database as `fordel ingest` runs it: WAL checkpoints in a thread of
their own every half second (not inside a commit that holds the writers' lock; they also
bound what a power cut of the server can take, synchronous=NORMAL), the WAL started over
even while writers never pause, and the writers' lock taken for one thread that then
writes without waiting."""
import os
import sqlite3
import threading
import time

from fordel.ingest import db as dbmod
from fordel.ingest.db import BatchItem, ReadingsDB
from meterrecord import decode, encode, make_record

T0 = 1_700_000_000


def _items(seq0, n=50, meter=0x11111111):
    out = []
    for seq in range(seq0, seq0 + n):
        raw = encode(make_record("c1", meter, T0 + seq, -70, {"total_m3": seq * 0.5},
                                 {"total_m3": seq * 0.5}, {"multiplier": 1.0}, b"\x44" * 200),
                     seq)
        out.append(BatchItem(seq, raw, decode(raw)))
    return out


def _wal_frames(path):
    c = sqlite3.connect(path)
    try:
        # a reader's PASSIVE checkpoint reports (busy, frames in the WAL, frames copied)
        return c.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
    finally:
        c.close()


def test_checkpoints_leave_the_commit(tmp_path):
    db = ReadingsDB(tmp_path / "r.db")
    c = db._connection()
    assert c.execute("PRAGMA synchronous").fetchone()[0] == 1          # NORMAL
    assert c.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000  # SQLite's default
    db.checkpoint_in_background()
    assert c.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 0
    seen = []

    def writer():       # a connection made after the switch: no checkpoint in its commits
        seen.append(db._connection().execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        seen.append(db._connection().execute("PRAGMA synchronous").fetchone()[0])
        for k in range(30):                 # ~1,500 records of ~500 bytes: > 1000 pages
            db.add_batch("c1", _items(k * 50), now=T0 + 10**6)
    t = threading.Thread(target=writer)
    t.start()
    t.join()
    assert seen == [0, 1]
    wal = str(tmp_path / "r.db-wal")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:      # the thread checkpoints every 0.5 s
        busy, frames, done = _wal_frames(str(tmp_path / "r.db"))
        if frames > 0 and done == frames:
            break
        time.sleep(0.1)
    assert (busy, done) == (0, frames) and frames > 0, (busy, frames, done)
    assert os.path.getsize(wal) > 0
    assert db.count() == 1500
    db.close()
    assert not db._checkpointer.is_alive()


def _wal_restarts(path):
    """The WAL header's checkpoint sequence number: one more each time the WAL starts over
    from its beginning (sqlite.org/fileformat.html, WAL header bytes 12-15)."""
    with open(path, "rb") as f:
        return int.from_bytes(f.read(16)[12:16], "big")


def test_wal_starts_over_while_writers_never_pause(tmp_path, monkeypatch):
    """Writers that commit back to back could keep a PASSIVE checkpoint from ever reaching
    the WAL's end; past WAL_LIMIT_FRAMES the thread takes the writers' lock for the rest,
    so the WAL starts over and stays bounded."""
    monkeypatch.setattr(dbmod, "WAL_LIMIT_FRAMES", 200)
    monkeypatch.setattr(dbmod, "CHECKPOINT_EVERY_S", 0.05)
    db = ReadingsDB(tmp_path / "r.db")
    db.checkpoint_in_background()
    wal = str(tmp_path / "r.db-wal")
    stop = time.monotonic() + 3
    k, first, biggest = 0, None, 0
    while time.monotonic() < stop:
        db.add_batch("c1", _items(k * 50), now=T0 + 10**6)
        k += 1
        if first is None:
            first = _wal_restarts(wal)
        biggest = max(biggest, os.path.getsize(wal))
    restarts = _wal_restarts(wal) - first
    db.close()
    assert k > 30
    assert restarts >= 2, "the WAL never started over in %d commits" % k
    # 50 records of ~500 bytes a commit: a WAL that started over stays within a few
    # hundred pages of the limit, where one never checkpointed would hold every commit
    assert biggest < (200 + 400) * 4096 * 2, biggest


def test_writer_lock_is_taken_for_one_thread(tmp_path):
    path = tmp_path / "r.db"
    a, b = ReadingsDB(path), ReadingsDB(path)       # two ingest workers on one file
    me = threading.get_ident()
    a.lock_writer(me)
    done = []

    def other_worker():
        done.append(b.add_batch("c2", _items(0, 5, meter=0x22222222), now=T0 + 10**6))

    t = threading.Thread(target=other_worker)
    t.start()
    time.sleep(0.3)
    assert not done                                  # it waits for the lock file
    res = a.add_batch("c1", _items(0, 5), now=T0 + 10**6)   # the holder writes at once
    assert res["new"] == 5
    note_done = []
    t2 = threading.Thread(target=lambda: note_done.append(a.note("c1", T0, uploads=1)))
    t2.start()
    time.sleep(0.2)
    assert not note_done                             # this worker's other threads wait too
    a.unlock_writer()
    t.join(10)
    t2.join(10)
    assert done and done[0]["new"] == 5 and note_done == [None]
    assert a.count() == 10
    a.close()
    b.close()


def test_lock_is_used_between_two_uploads_work_not_after_all(tmp_path):
    """Ingest takes the writers' lock in a thread while its event loop decodes uploads; it
    must write and let go of it within one upload's work (write_if_locked, called before
    each upload is decoded), not hold it until every upload ready to decode is done while
    the other workers wait. Six uploads of 50 ms work each are ready when the lock is
    taken: the lock must be let go of in well under their 300 ms."""
    import asyncio

    from fordel.ingest.registry import Registry, from_keys
    from fordel.ingest.server import Ingest

    db = ReadingsDB(tmp_path / "r.db")
    ingest = Ingest(db, Registry(collectors=from_keys({"c1": b"k" * 32}, None)))
    held = []
    lock_writer, unlock_writer = db.lock_writer, db.unlock_writer

    def timed_lock(thread):
        lock_writer(thread)
        held.append(time.monotonic())

    def timed_unlock():
        held.append(time.monotonic())
        unlock_writer()
    db.lock_writer, db.unlock_writer = timed_lock, timed_unlock

    async def decoding_upload():        # as Ingest._upload: before its records' work
        ingest.write_if_locked()
        t = time.monotonic() + 0.05
        while time.monotonic() < t:
            pass

    async def main():
        stored = asyncio.ensure_future(ingest.store("c1", _items(0, 5), T0 + 10**6, None,
                                                    None))
        await asyncio.sleep(0)          # the store asks for the lock (a thread takes it)
        await asyncio.gather(*(decoding_upload() for _ in range(6)))
        return await stored

    res = asyncio.run(main())
    ingest.lock_pool.shutdown(wait=True)
    ingest.pool.shutdown(wait=True)
    assert res["new"] == 5 and db.count() == 5
    assert len(held) == 2
    assert held[1] - held[0] < 0.15, "writers' lock held %.0f ms" % (1000 * (held[1] - held[0]))
    db.close()


def test_a_lock_taken_as_the_server_stops_is_let_go(tmp_path):
    """The writers' lock taken by its thread just as the event loop ends (no write will use
    it): stopping the in-process server lets go of it, so the counts it still writes, and
    any other writer, do not wait for it for good."""
    from fordel.ingest.server import serve_in_thread

    h = serve_in_thread(str(tmp_path / "r.db"), {"c1": b"k" * 32})
    h.server.should_exit = True             # the event loop ends ...
    h.thread.join(15)
    h.db.lock_writer(h.thread.ident)        # ... as the lock's thread gets the lock
    h.ingest.lock_taken = True
    h.ingest.count("c1", "auth_failures", "bad signature")     # still to be written
    done = threading.Thread(target=h.shutdown, daemon=True)
    done.start()
    done.join(20)
    assert not done.is_alive(), "shutdown waits for the writers' lock"
    other = ReadingsDB(tmp_path / "r.db")
    assert other.add_batch("c2", _items(0, 3), now=T0 + 10**6)["new"] == 3
    other.close()
