"""Upload rate limits per collector (and address) that every worker of `fordel ingest
--workers N` enforces together: token buckets in a small file mapped by each worker (the
supervisor creates it, as balance.py's), so a collector gets the configured rate in all,
not that rate from each worker its connections happen to reach. A single process keeps
the same table in a file of its own (balance.private), so there is one mechanism.

A bucket is found by a 64-bit hash of its name in a table of SLOTS, looking at PROBE
slots from the hash's own. Among them a bucket that has refilled to its burst is as good
as empty and is reused; when all are in use, the one unused longest is taken over (that
name then starts again with a full burst: possible only with more than SLOTS names busy at
once in one neighbourhood). Every take holds an flock on the file for the few
microseconds of the lookup. time.monotonic is the system's clock, the same in every
worker.
"""
import fcntl
import hashlib
import mmap
import struct
import time

from .balance import shared_file

BUCKETS_FILE = "FORDEL_INGEST_RATE_BUCKETS"     # environment: the file's path
SLOTS = 1 << 16
PROBE = 16
SLOT = struct.Struct("<Qdd")         # name hash (0: free), tokens, when last taken


def create_file():
    """The supervisor's: a zeroed table; its path."""
    return shared_file("fordel-ingest-rates-", SLOT.size * SLOTS)


def _hash(name):
    h = int.from_bytes(hashlib.blake2b(name.encode("utf-8", "surrogatepass"),
                                       digest_size=8).digest(), "little")
    return h or 1


class SharedBuckets:
    def __init__(self, path):
        self.file = open(path, "r+b")
        self.map = mmap.mmap(self.file.fileno(), SLOT.size * SLOTS)

    def take(self, name, rate, burst, now=None):
        """One upload from bucket `name`: 0 if it may go on, else the seconds until it
        may."""
        key = _hash(name)
        now = time.monotonic() if now is None else now
        first = key % SLOTS
        fcntl.flock(self.file, fcntl.LOCK_EX)
        try:
            spare, spare_score = None, None
            for j in range(PROBE):
                off = ((first + j) % SLOTS) * SLOT.size
                k, tokens, at = SLOT.unpack_from(self.map, off)
                if k == key:
                    tokens = min(burst, tokens + (now - at) * rate)
                    break
                # free or refilled to its burst: as good as empty; else the longest unused
                full = k == 0 or tokens + (now - at) * rate >= burst
                score = float("-inf") if full else at
                if spare_score is None or score < spare_score:
                    spare, spare_score = off, score
            else:
                off, tokens = spare, float(burst)
            if tokens >= 1:
                SLOT.pack_into(self.map, off, key, tokens - 1, now)
                return 0
            SLOT.pack_into(self.map, off, key, tokens, now)
            return (1 - tokens) / rate
        finally:
            fcntl.flock(self.file, fcntl.LOCK_UN)

    def close(self):
        self.map.close()
        self.file.close()
