"""Open connections per ingest worker, shared between the workers of `fordel ingest
--workers N` (a small file mapped by each), so that each takes new connections only while it
holds no more than the least loaded other worker (server.AcceptingServer).

Why: with the workers' event loops all waiting on the listening socket, the first awake
took every connection waiting, so 100 collectors connecting at once split 59/41 to 75/25
(measured), and the busier worker set the latency of its collectors. A worker that waits
for its turn waits at most TURN_WAIT_S, so a worker stuck elsewhere delays connections by
that much, never stops them. Slots are (pid, open connections); a dead worker's slot is
taken by the worker started in its place.
"""
import fcntl
import mmap
import os
import struct
import tempfile
import time

SHARES_FILE = "FORDEL_INGEST_WORKER_SHARES"     # environment: the file's path
SLOTS = 64
SLOT = struct.Struct("<qq")          # pid, open connections
TURN_WAIT_S = 0.2         # 0.05 let a split of 46/54 through once under CI load


def shared_file(prefix, size):
    """The supervisor's: a zeroed file of `size` bytes that its workers map (in /dev/shm
    where there is one); its path. Also ratelimit.py's and workercounts.py's."""
    d = "/dev/shm" if os.path.isdir("/dev/shm") else None
    fd, path = tempfile.mkstemp(prefix=prefix, dir=d)
    os.ftruncate(fd, size)
    os.close(fd)
    return path


def private(open_file, create_file):
    """open_file(path) on a new file from create_file() that only this process holds (it
    is unlinked once open): a shared table for one process alone."""
    path = create_file()
    try:
        return open_file(path)
    finally:
        os.unlink(path)


def create_file():
    """The file for SLOTS workers' connection counts."""
    return shared_file("fordel-ingest-workers-", SLOT.size * SLOTS)


def _alive(pid):
    try:
        os.kill(pid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:
        return True


class WorkerShares:
    """This worker's slot in the file, and the others' counts."""

    def __init__(self, path):
        self.pid = os.getpid()
        with open(path, "r+b") as f:
            self.map = mmap.mmap(f.fileno(), SLOT.size * SLOTS)
            fcntl.flock(f, fcntl.LOCK_EX)
            try:
                self.slot = self._claim()
            finally:
                fcntl.flock(f, fcntl.LOCK_UN)

    def _claim(self):
        for i in range(SLOTS):
            pid, _ = SLOT.unpack_from(self.map, i * SLOT.size)
            if pid == 0 or not _alive(pid):
                SLOT.pack_into(self.map, i * SLOT.size, self.pid, 0)
                return i
        raise RuntimeError("more than %d ingest workers" % SLOTS)

    def publish(self, connections):
        SLOT.pack_into(self.map, self.slot * SLOT.size, self.pid, connections)

    def least_other(self):
        """The fewest open connections of another live worker (None: no other)."""
        least = None
        for i in range(SLOTS):
            if i == self.slot:
                continue
            pid, n = SLOT.unpack_from(self.map, i * SLOT.size)
            if pid and (least is None or n < least) and _alive(pid):
                least = n
        return least

    def wait_turn(self, mine):
        """Before taking a connection: wait (at most TURN_WAIT_S) while this worker holds
        more than another; mine() is this worker's count now."""
        deadline = time.monotonic() + TURN_WAIT_S
        while time.monotonic() < deadline:
            n = mine()
            self.publish(n)
            least = self.least_other()
            if least is None or n <= least:
                return
            time.sleep(0.0005)
