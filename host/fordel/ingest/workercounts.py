"""The answers of every worker of `fordel ingest --workers N` by HTTP status, since the
supervisor started (GET /status `answers`): counts in a small file each worker maps (the
supervisor creates it, as balance.py's); an answer adds one under an flock. Without it each
worker counted its own, and /status showed whichever worker answered it."""
import fcntl
import os
import struct

from .balance import shared_file

COUNTS_FILE = "FORDEL_INGEST_ANSWER_COUNTS"     # environment: the file's path
CODES = (200, 400, 401, 403, 404, 408, 409, 411, 413, 429, 500, 503)
COUNT = struct.Struct("<q")
SIZE = COUNT.size * (len(CODES) + 1)            # the last: any other status


def create_file():
    return shared_file("fordel-ingest-answers-", SIZE)


class SharedAnswers:
    def __init__(self, path):
        self.fd = os.open(path, os.O_RDWR)

    def add(self, code):
        i = CODES.index(code) if code in CODES else len(CODES)
        fcntl.flock(self.fd, fcntl.LOCK_EX)
        try:
            n = COUNT.unpack(os.pread(self.fd, COUNT.size, i * COUNT.size))[0]
            os.pwrite(self.fd, COUNT.pack(n + 1), i * COUNT.size)
        finally:
            fcntl.flock(self.fd, fcntl.LOCK_UN)

    def counts(self):
        """{status: n} of the statuses answered at least once ("other": the rest)."""
        data = os.pread(self.fd, SIZE, 0)
        names = [str(c) for c in CODES] + ["other"]
        return {name: COUNT.unpack_from(data, i * COUNT.size)[0]
                for i, name in enumerate(names) if COUNT.unpack_from(data, i * COUNT.size)[0]}

    def close(self):
        os.close(self.fd)
