"""The record store on the collector's flash (littlefs): append-only segment files of framed
CBOR records, a persisted upload cursor, and a full-flash policy.

Power-cut guarantee. littlefs commits a file's new contents atomically when it is synced:
`append` writes one frame and flushes (lfs_file_sync) before it returns the record's seq, so a
record reported stored survives any later power cut, and a cut during the write leaves the
segment as it was before the write (the half-written frame never existed). Every frame also
carries its length and CRC-32, so a damaged tail (a flash fault, not a power cut) is detected
on open, counted, and never delivered. The upload cursor is written to a temporary file and
renamed over the old one (atomic in littlefs).

Sequence numbers never repeat. On open they continue after the newest intact frame of the
newest segment (which is never deleted); a damaged frame hides the frames after it, so the
store also keeps a persisted high-water mark: before seq `mark` is used, `mark` moves
`MARK_STEP` ahead in the state file (one small write per MARK_STEP appends). When the newest
segment is damaged, or its scan ends below a seq already named by a segment, numbering
continues at the mark (a gap, never a repeat). A store made anew (erased or replaced flash, a
spare unit) starts again at 0 but under a new random `store_id`, written into every record
(meterrecord field 10), so the server can tell its records from the old store's.

Layout under `root`:
    s<16 hex digits>.seg   records with seq >= the number in the name, in seq order
    acked                  highest seq the ingest server acknowledged (text)
    state                  store_id, the seq high-water mark and the drop counters (text,
                           `key=value` lines), so they survive a reboot

Frame: A5 | length of the CBOR (2 bytes) | seq (4 bytes) | CRC-32 of seq and CBOR (4 bytes) |
CBOR record; numbers big-endian. The seq in the frame lets the store scan without decoding.

Full flash (less than `reserve` bytes free, or ENOSPC): segments whose records are all
acknowledged go first (they normally go at `ack`); if unacknowledged data fills the flash, the
OLDEST unacknowledged segment is dropped: meter readings are cumulative, so the newest
readings carry the consumption of the dropped ones and only their history is lost. Dropped
records are counted (`dropped_records`, `dropped_segments`) and shown by `status()`.
"""
import binascii
import gc
import os

from meterrecord import VERSION, FixedWriter, encode, encode_to

MAGIC = 0xA5
HEADER = 11
MARK_STEP = 256         # seqs reserved by one write of the high-water mark


def _random32():
    """A random 32-bit number: the hardware RNG (os.urandom on the ESP32 and unix ports),
    else the random module (ports without os.urandom, e.g. webassembly)."""
    try:
        return int.from_bytes(os.urandom(4), "big")
    except AttributeError:
        import random
        return random.getrandbits(32)


class StoreError(Exception):
    """A store operation that failed; the message names the file and the reason."""


def _exists(path):
    try:
        os.stat(path)
        return True
    except OSError:
        return False


class Store:
    def __init__(self, root, segment_bytes=4096, reserve=16384, max_record=2048):
        self.root = root
        self.segment_bytes = segment_bytes
        self.reserve = reserve
        self.buf = bytearray(max_record)        # one record's CBOR, reused
        self.mv = memoryview(self.buf)
        self.writer = FixedWriter(self.buf)
        self.head = bytearray(HEADER)
        self.hmv = memoryview(self.head)
        self.dropped_records = 0
        self.dropped_segments = 0
        self.damaged = 0
        self._damage_seen = set()
        self.write_errors = 0
        self._fh = None
        self._fh_path = None
        self.last_error = None
        self.appended = 0
        self.oversized = 0          # records larger than the buffer, stored all the same
        self.renumbered = 0         # records stored again under new numbers (renumber)
        if not _exists(root):
            try:
                os.mkdir(root)
            except OSError as e:
                raise StoreError("cannot create store folder %s: %s" % (root, e))
        self.segments = self._list()            # [first seq, ...] ascending
        self.acked = self._read_acked()
        self.store_id = None
        self.mark = 0                           # seqs below it may have been used
        self._read_state()
        self.next_seq = 0
        self.gaps = []                          # [(first, end)]: numbers skipped, never used
        self.cur_size = 0
        if self.segments:
            damaged = self.damaged
            last, n, size = self._scan(self.segments[-1])
            self.next_seq = (last + 1) if n else self.segments[-1]
            self.cur_size = size
            if self.damaged != damaged:
                # frames after the damage may have been stored (and uploaded): never reuse
                # their numbers; the damaged segment is closed (new frames go to a new one)
                self._skip_to(max(self.next_seq, self.mark or self._size_bound()))
                self.cur_size = self.segment_bytes
        if self.acked >= self.next_seq:         # cursor ahead of data (data lost): clamp
            self.next_seq = self.acked + 1
        if self.store_id is None:
            self.store_id = "%08x" % _random32()
            self._write_state()

    # -- files ---------------------------------------------------------------------------
    def _path(self, first):
        return "%s/s%016x.seg" % (self.root, first)

    def _list(self):
        segs = []
        for name in os.listdir(self.root):
            if name.startswith("s") and name.endswith(".seg") and len(name) == 21:
                try:
                    segs.append(int(name[1:17], 16))
                except ValueError:
                    pass
        segs.sort()
        return segs

    def _read_acked(self):
        try:
            with open(self.root + "/acked") as f:
                return int(f.read().strip() or "-1")
        except OSError:
            return -1
        except ValueError:
            self.last_error = "%s/acked unreadable; uploading everything again" % self.root
            return -1

    def _size_bound(self):
        """A seq above every frame the newest segment can hold (each frame has at least one
        byte of CBOR): the bound when the state file is lost as well."""
        try:
            size = os.stat(self._path(self.segments[-1]))[6]
        except OSError:
            return 0
        return self.segments[-1] + size // (HEADER + 1) + 1

    def _read_state(self):
        try:
            with open(self.root + "/state") as f:
                text = f.read()
        except OSError:
            return
        try:
            for line in text.split("\n"):
                k, _, v = line.partition("=")
                if k == "store_id" and v:
                    self.store_id = v
                elif k == "mark":
                    self.mark = int(v)
                elif k == "dropped_records":
                    self.dropped_records = int(v)
                elif k == "dropped_segments":
                    self.dropped_segments = int(v)
        except ValueError:
            self.last_error = "%s/state unreadable: %r" % (self.root, text[:60])

    def _write_state(self):
        """Persist store_id, mark and drop counters (temporary file renamed over: atomic)."""
        tmp = self.root + "/state.tmp"
        with open(tmp, "w") as f:
            f.write("store_id=%s\nmark=%d\ndropped_records=%d\ndropped_segments=%d\n"
                    % (self.store_id, self.mark, self.dropped_records, self.dropped_segments))
            f.flush()
        os.rename(tmp, self.root + "/state")

    def _frames(self, first, want_after=None):
        """(seq, offset, length, data) of each intact frame of a segment, in order; data is
        the record's CBOR if its seq > want_after, else None (a scan allocates one bytes
        object a frame). Stops at the first damaged frame (counted)."""
        path = self._path(first)
        out = []
        h = self.head
        try:
            f = open(path, "rb")
        except OSError as e:
            raise StoreError("cannot open %s: %s" % (path, e))
        pos = 0
        with f:
            while True:
                n = f.readinto(h)
                if not n:
                    break
                if n < HEADER or h[0] != MAGIC:
                    self._damaged(path, pos)
                    break
                ln = h[1] << 8 | h[2]
                seq = h[3] << 24 | h[4] << 16 | h[5] << 8 | h[6]
                crc = h[7] << 24 | h[8] << 16 | h[9] << 8 | h[10]
                body = f.read(ln)
                if len(body) < ln or binascii.crc32(body, binascii.crc32(self.hmv[3:7])) != crc:
                    self._damaged(path, pos)
                    break
                keep = want_after is not None and seq > want_after
                out.append((seq, pos + HEADER, ln, body if keep else None))
                pos += HEADER + ln
        return out, pos

    def _damaged(self, path, pos):
        """Count a damaged frame once, however often its segment is scanned again."""
        where = "%s: damaged frame at byte %d" % (path, pos)
        if where in self._damage_seen:
            return
        self._damage_seen.add(where)
        self.damaged += 1
        self.last_error = where

    def _scan(self, first):
        frames, end = self._frames(first)
        if not frames:
            return first - 1, 0, end
        return frames[-1][0], len(frames), end

    # -- writing -------------------------------------------------------------------------
    def append(self, record):
        """Store a record (meterrecord.make_record); returns its seq once it is on flash."""
        seq = self.next_seq
        if seq >= self.mark:
            # reserve the next MARK_STEP numbers on flash before using the first of them
            self.mark = seq + MARK_STEP
            try:
                self._write_state()
            except OSError as e:
                raise StoreError("cannot write %s/state: %r" % (self.root, e))
        if record.get(0) == VERSION:    # full records name the store (compact ones stay small)
            record[10] = self.store_id
        data = self.mv
        try:
            n = encode_to(record, seq, self.writer)
        except ValueError:
            # larger than the preallocated buffer (an allocator with 30 half-month values,
            # a water meter with its monthly history: ~2.6 kB): encoded once into a buffer
            # of its own, so the reading is stored all the same
            try:
                big = encode(record, seq)
            except (ValueError, TypeError) as e:
                raise StoreError("record of meter %08x cannot be encoded: %s"
                                 % (record.get(3, 0), e))
            n = len(big)
            if n > 0xFFFF:
                raise StoreError("record of meter %08x is %d bytes, more than a frame holds"
                                 % (record.get(3, 0), n))
            data = memoryview(big)
            self.oversized += 1
        h = self.head
        h[0] = MAGIC
        h[1] = n >> 8
        h[2] = n & 0xFF
        h[3] = (seq >> 24) & 0xFF
        h[4] = (seq >> 16) & 0xFF
        h[5] = (seq >> 8) & 0xFF
        h[6] = seq & 0xFF
        crc = binascii.crc32(data[0:n], binascii.crc32(self.hmv[3:7]))
        h[7] = (crc >> 24) & 0xFF
        h[8] = (crc >> 16) & 0xFF
        h[9] = (crc >> 8) & 0xFF
        h[10] = crc & 0xFF
        if not self.segments or self.cur_size + HEADER + n > self.segment_bytes:
            # free space is checked once per segment: littlefs's statvfs walks the whole
            # file system, far too slow for every append
            self._make_room(self.segment_bytes)
            self.segments.append(seq)
            self.cur_size = 0
        path = self._path(self.segments[-1])
        try:
            self._write(path, data, n)
        except OSError as e:
            # not synced, so the partial write does not exist. ENOSPC: apply the full-flash
            # policy and retry; another fault: retry once as it is
            self.write_errors += 1
            self.last_error = "%s: %r" % (path, e)
            if e.args and e.args[0] == 28:
                self._drop_acked() or self._drop_oldest_pending()
            try:
                self._write(path, data, n)
            except OSError as e2:
                if self.cur_size == 0:
                    self._forget_empty(path)
                raise StoreError("cannot append to %s: %r" % (path, e2))
        self.cur_size += HEADER + n
        self.next_seq = seq + 1
        self.appended += 1
        return seq

    def _write(self, path, data, n):
        # the current segment stays open for appending (opening a file walks littlefs's
        # directory); flush() syncs, which is littlefs's atomic commit
        f = self._fh
        if f is None or self._fh_path != path:
            self._close()
            f = self._fh = open(path, "ab")
            self._fh_path = path
        try:
            f.write(self.head)
            f.write(data[0:n])
            f.flush()
        except OSError:
            self._close()
            raise

    def _close(self):
        if self._fh is not None:
            try:
                self._fh.close()
            except OSError:
                pass
            self._fh = None
            self._fh_path = None

    def _forget_empty(self, path):
        try:
            if os.stat(path)[6] == 0:
                os.remove(path)
                self.segments.pop()
        except OSError:
            pass

    def _free(self):
        try:
            st = os.statvfs(self.root)
            return st[0] * st[3]
        except OSError:
            return 1 << 30

    def _make_room(self, need):
        while self._free() < self.reserve + need:
            if not self._drop_acked() and not self._drop_oldest_pending():
                return

    def _drop_acked(self):
        """Delete the oldest segment whose records are all acknowledged (not the newest)."""
        if len(self.segments) > 1 and self.segments[1] <= self.acked + 1:
            self._remove(self.segments.pop(0))
            return True
        return False

    def _drop_oldest_pending(self):
        """Full-flash policy: drop the oldest unacknowledged segment (never the newest)."""
        if len(self.segments) < 2:
            return False
        first = self.segments.pop(0)
        lost = self.segments[0] - max(first, self.acked + 1)
        self._remove(first)
        if lost > 0:
            self.dropped_records += lost
            self.dropped_segments += 1
            try:
                self._write_state()
            except OSError as e:
                self.last_error = "cannot write %s/state: %r" % (self.root, e)
        return True

    def _remove(self, first):
        if self._fh_path == self._path(first):
            self._close()
        try:
            os.remove(self._path(first))
        except OSError as e:
            self.last_error = "cannot remove %s: %s" % (self._path(first), e)

    # -- reading / uploading ---------------------------------------------------------------
    def pending(self, max_n=20, max_bytes=6144):
        """Up to max_n (seq, CBOR bytes) not yet acknowledged, oldest first, together at most
        max_bytes (but always the oldest one): a batch is held in RAM while it uploads, and
        a few records with long histories are kilobytes each."""
        out = []
        size = 0
        for i, first in enumerate(self.segments):
            nxt = self.segments[i + 1] if i + 1 < len(self.segments) else self.next_seq
            if nxt <= self.acked + 1:
                continue
            frames, _end = self._frames(first, self.acked)
            for seq, _off, ln, body in frames:
                if body is not None:
                    if out and size + ln > max_bytes:
                        return out
                    out.append((seq, body))
                    size += ln
                    if len(out) >= max_n:
                        return out
        return out

    def ack(self, upto):
        """The server has everything up to seq `upto`: persist the cursor, free segments."""
        if upto <= self.acked:
            return
        upto = min(upto, self.next_seq - 1)
        tmp = self.root + "/acked.tmp"
        with open(tmp, "w") as f:
            f.write("%d" % upto)
            f.flush()
        os.rename(tmp, self.root + "/acked")
        self.acked = upto
        while self._drop_acked():
            pass

    def _skip_to(self, seq):
        """Number on from `seq`: the numbers between are never used (not pending)."""
        if seq > self.next_seq:
            self.gaps.append((self.next_seq, seq))
            self.next_seq = seq

    def pending_count(self):
        """Records stored and not acknowledged (the skipped numbers not counted)."""
        n = self.next_seq - 1 - self.acked
        for lo, hi in self.gaps:
            n -= max(0, hi - max(lo, self.acked + 1))
        return max(0, n)

    def renumber(self, first_free):
        """The server holds this collector's numbers below `first_free`, some with other
        contents (a spare unit given the old config, an erased or replaced flash): every
        record not yet acknowledged is stored again with a number from `first_free` on and
        its old copy released, so the readings reach the server and no number repeats.
        Returns how many were renumbered (`renumbered` in status)."""
        from meterrecord.cbor_read import loads       # a rare event: the reader only now
        old_last = self.next_seq - 1
        if first_free > self.next_seq:
            self._skip_to(first_free)
            self.cur_size = self.segment_bytes         # the new numbers start a segment
        n = 0
        while True:
            # a few at a time: it runs beside an upload's batch in a 96K heap
            batch = [(seq, body) for seq, body in self.pending(4, 2048) if seq <= old_last]
            if not batch:
                break
            for _seq, body in batch:
                self.append(loads(body))
                n += 1
            self.ack(batch[-1][0])
            self.renumbered += len(batch)
            batch = None
            gc.collect()
        return n

    def records(self):
        """Every stored (seq, CBOR bytes), acknowledged or not, oldest first (diagnostics)."""
        for first in self.segments:
            frames, _end = self._frames(first, -1)
            for seq, _off, _ln, body in frames:
                yield seq, body

    def status(self):
        try:
            st = os.statvfs(self.root)
            total, free = st[0] * st[2], st[0] * st[3]
        except OSError:
            total = free = -1
        return {"store_id": self.store_id, "next_seq": self.next_seq, "acked": self.acked,
                "pending": self.pending_count(), "segments": len(self.segments),
                "appended": self.appended, "flash_total": total, "flash_free": free,
                "dropped_records": self.dropped_records,
                "dropped_segments": self.dropped_segments, "damaged_frames": self.damaged,
                "write_errors": self.write_errors, "oversized_records": self.oversized,
                "renumbered": self.renumbered,
                "last_error": self.last_error}
