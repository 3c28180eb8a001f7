"""The readings database: every record a collector uploaded, once, with its raw telegram for
audit and a hash of its bytes; records ingest refused, with the reason; what each collector
did (contacts, clock skew, security and decode errors); meter keys for host-side re-decode;
and the readings export the settlement reads.

Two engines behind one interface: SQLite (the embedded default: a file, WAL, one writer
thread) and PostgreSQL (`postgresql://...`, psycopg 3 with a connection pool, COPY; see
pg.py). `open_db(target)` picks by the target's form. The schema is created and migrated by
the tool (`schema_version`).

A record is keyed by (collector id, sequence number). A batch sent twice after a lost answer
is stored once; a seq held with different content is refused and named (a collector that
reuses sequence numbers must not overwrite or lose readings).
"""
import csv
import datetime
import fcntl
import hashlib
import json
import logging
import sqlite3
import threading

import orjson
from meterrecord import MAIN_FIELDS, METER_CLOCK_FIELDS, SET_DATE_FIELDS, SET_VALUE_FIELDS
from wmbus import billing

from .checks import METER_CLOCK_TOLERANCE_S

log = logging.getLogger("fordel.ingest")

# SQLite WAL checkpoints of a long-running ingest (ReadingsDB.checkpoint_in_background)
CHECKPOINT_EVERY_S = 0.5
WAL_LIMIT_FRAMES = 16384            # 64 MiB of 4 KiB pages
WAL_KEEP_BYTES = 64 << 20           # the WAL file is cut back to this when it starts over
SCHEMA_VERSION = 3          # 3: redecoded (host-side re-decode results)
# The reading a settlement uses, per kind of meter, first found wins (meterrecord).
# The export carries the raw reading (value), the collector's coded value and the factors it
# applied (JSON: the settlement refuses a reading whose factors disagree with meters.csv),
# and the meter's own set date, its reading at the set date and its clock where the
# meter's telegrams say them (the latest known for the set date, this record's for the clock);
# host_check: the host-side re-decode of the record's telegram with the imported meter key
# (redecode.py: agrees, differs, key error, ...; empty where not re-decoded).
EXPORT_COLUMNS = ("meter_id", "date", "value", "kind", "source", "telegram_ref", "coded_value",
                  "factors", "set_date", "set_date_value", "meter_time", "host_check")
RECORD_COLUMNS = ("collector_id", "seq", "meter_id", "time", "rssi_dbm", "values_json",
                  "coded_json", "factors_json", "telegram", "received_at", "content_hash",
                  "meter_skew_s")
STAT_COUNTERS = ("uploads", "auth_failures", "rate_limited", "bad_uploads", "seq_conflicts")

# BLOB/INTEGER here; pg.py turns them into BYTEA/BIGINT
TABLES = [
    """CREATE TABLE IF NOT EXISTS records (
        collector_id TEXT NOT NULL, seq INTEGER NOT NULL, meter_id TEXT NOT NULL,
        time INTEGER NOT NULL, rssi_dbm INTEGER, values_json TEXT NOT NULL,
        coded_json TEXT NOT NULL, factors_json TEXT NOT NULL, telegram BLOB NOT NULL,
        received_at INTEGER NOT NULL, content_hash BLOB, meter_skew_s INTEGER,
        PRIMARY KEY (collector_id, seq))""",
    "CREATE INDEX IF NOT EXISTS records_meter_time ON records (meter_id, time)",
    """CREATE TABLE IF NOT EXISTS refused_records (
        collector_id TEXT NOT NULL, seq INTEGER NOT NULL, content_hash BLOB NOT NULL,
        reason TEXT NOT NULL, record BLOB NOT NULL, received_at INTEGER NOT NULL,
        PRIMARY KEY (collector_id, seq, content_hash))""",
    """CREATE TABLE IF NOT EXISTS collector_stats (
        collector_id TEXT PRIMARY KEY, last_contact INTEGER, last_address TEXT,
        clock_skew_s INTEGER, uploads INTEGER NOT NULL DEFAULT 0,
        auth_failures INTEGER NOT NULL DEFAULT 0, rate_limited INTEGER NOT NULL DEFAULT 0,
        bad_uploads INTEGER NOT NULL DEFAULT 0, seq_conflicts INTEGER NOT NULL DEFAULT 0,
        last_error TEXT, last_error_at INTEGER)""",
    """CREATE TABLE IF NOT EXISTS meter_keys (
        meter_id TEXT PRIMARY KEY, key BLOB NOT NULL, source TEXT NOT NULL,
        imported_at INTEGER NOT NULL)""",
    """CREATE TABLE IF NOT EXISTS redecoded (
        collector_id TEXT NOT NULL, seq INTEGER NOT NULL, meter_id TEXT NOT NULL,
        result TEXT NOT NULL, detail TEXT, host_values_json TEXT, at INTEGER NOT NULL,
        PRIMARY KEY (collector_id, seq))""",
    "CREATE INDEX IF NOT EXISTS redecoded_meter ON redecoded (meter_id)",
    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)",
]
# version 1 (before the content hash) -> 2
MIGRATE_1_2 = ["ALTER TABLE records ADD COLUMN content_hash BLOB",
               "ALTER TABLE records ADD COLUMN meter_skew_s INTEGER"]


def content_hash(raw):
    return hashlib.sha256(raw).digest()[:16]


def open_db(target, **kw):
    """ReadingsDB for a file path, PgReadingsDB for a postgresql:// URL."""
    if str(target).startswith(("postgresql://", "postgres://")):
        from .pg import PgReadingsDB
        return PgReadingsDB(str(target), **kw)
    return ReadingsDB(target)


_json_std = json.JSONEncoder(sort_keys=True).encode


def _json(obj):
    """Sorted-key JSON text of a record's map. orjson (10x the standard encoder: it was 14 of
    the ~32 us of server CPU per record); the standard encoder for what orjson does not
    take (an int beyond 64 bits, which the checks let through as a value)."""
    try:
        return orjson.dumps(obj, option=orjson.OPT_SORT_KEYS).decode()
    except TypeError:
        return _json_std(obj)


def record_row(collector_id, rec, h, now, meter_time):
    skew = None if meter_time is None else rec["time"] - meter_time
    return (collector_id, rec["seq"], "%08x" % rec["meter_id"], rec["time"], rec["rssi_dbm"],
            _json(rec["values"]), _json(rec["coded"]), _json(rec["factors"]),
            bytes(rec["telegram"]), now, h, skew)


# a collector's counters, added to (collector_stats): one statement for a group's collectors
NOTE_SQL = (
    "INSERT INTO collector_stats (collector_id, last_contact, last_address, "
    "clock_skew_s, uploads, auth_failures, rate_limited, bad_uploads, seq_conflicts, "
    "last_error, last_error_at) VALUES (?,?,?,?,?,?,?,?,?,?,?) "
    "ON CONFLICT (collector_id) DO UPDATE SET "
    "last_contact=COALESCE(excluded.last_contact, collector_stats.last_contact), "
    "last_address=COALESCE(excluded.last_address, collector_stats.last_address), "
    "clock_skew_s=COALESCE(excluded.clock_skew_s, collector_stats.clock_skew_s), "
    + ", ".join("%s=collector_stats.%s+excluded.%s" % (k, k, k) for k in STAT_COUNTERS)
    + ", last_error=COALESCE(excluded.last_error, collector_stats.last_error), "
    "last_error_at=COALESCE(excluded.last_error_at, collector_stats.last_error_at)")


def _note_args(collector_id, now, address=None, skew=None, error=None, **counts):
    inc = [counts.get(k, 0) for k in STAT_COUNTERS]
    contact = now if counts.get("uploads") else None
    return (collector_id, contact, address, skew, *inc, error, now if error else None)


class _Group:
    """What a group of batches writes at its end: records, refused records, and per
    collector its counters and the seqs the group holds so far."""

    def __init__(self):
        self.rows, self.refused, self.notes, self.held = [], [], {}, {}

    def note(self, collector_id, now, address, skew, conflict, error):
        _, kw = self.notes.get(collector_id, (now, {"uploads": 0, "seq_conflicts": 0}))
        kw["uploads"] += 1
        kw["seq_conflicts"] += 1 if conflict else 0
        if address is not None:
            kw["address"] = address
        if skew is not None:
            kw["skew"] = skew
        if error:
            kw["error"] = error
        self.notes[collector_id] = (now, kw)


class BatchItem:
    """One record of an upload: seq, raw bytes, decoded record, why it cannot be a reading
    (None if it can) and the meter's own clock (unix s) if the telegram has one.

    prepare() makes its content hash and database row ahead of the write: the server does
    it while decoding the upload, so the writer (one at a time across ingest workers on
    SQLite) only inserts."""
    __slots__ = ("seq", "raw", "rec", "problem", "meter_time", "hash", "row")

    def __init__(self, seq, raw, rec, problem=None, meter_time=None):
        self.seq, self.raw, self.rec, self.problem = seq, raw, rec, problem
        self.meter_time = meter_time
        self.hash = self.row = None

    def prepare(self, collector_id, now):
        self.hash = content_hash(self.raw)
        if not self.problem:
            self.row = record_row(collector_id, self.rec, self.hash, now, self.meter_time)
        return self


class Storage:
    """What both engines share; subclasses give `_conn()` (a context manager yielding a
    DB-API connection in a transaction), `P` (placeholder) and `_insert_records`."""
    P = "?"

    def _tx(self):
        """A write transaction (what it reads to decide stays true until it commits)."""
        return self._conn()

    def _q(self, sql):
        return sql if self.P == "?" else sql.replace("?", self.P)

    def _many(self, c, sql, rows):
        c.executemany(self._q(sql), rows)

    def _all(self, sql, args=()):
        with self._conn() as c:
            return c.execute(self._q(sql), args).fetchall()

    def _iter(self, sql, args=()):
        """Rows one at a time (an export of millions does not sit in memory)."""
        yield from self._connection().execute(sql, args)

    # --- uploads -------------------------------------------------------------------------
    def add_batch(self, collector_id, items, now, address=None, skew=None):
        """Store one authenticated batch (BatchItems in seq order) in one transaction.

        Returns {"acked", "new", "duplicate", "refused": [(seq, reason)], "conflict"}:
        acked is the highest seq up to which every record of the batch is now held (as a
        reading or a refused record), stopping before a seq held with different content."""
        return self.add_batches([(collector_id, items, now, address, skew)])[0]

    def add_batches(self, batches):
        """add_batch for several (collector_id, items, now, address, skew) in one
        transaction (group commit); a list of the results. What the group's seqs hold is
        read with one query, the records written with one insert (COPY on PostgreSQL) and
        the collectors' counters with one statement: on PostgreSQL every statement is a
        round trip to the server, and each one a wait for the GIL beside a busy event loop."""
        g = _Group()
        with self._tx() as c:
            g.held = self._held(c, [(b[0], b[1][0].seq, b[1][-1].seq) for b in batches if b[1]])
            out = [self._add(g, *b) for b in batches]
            if g.rows:
                self._insert_records(c, g.rows)
            if g.refused:
                self._many(c, "INSERT INTO refused_records VALUES (?,?,?,?,?,?)", g.refused)
            self._many(c, NOTE_SQL, [_note_args(cid, now, **kw)
                                     for cid, (now, kw) in g.notes.items()])
        return out

    def _held(self, c, ranges):
        """{collector_id: {seq: content hash}} of the seqs held as readings or refused
        records in the (collector_id, first seq, last seq) ranges; one query."""
        held = {cid: {} for cid, _, _ in ranges}
        if not ranges:
            return held
        where = " OR ".join(["(collector_id=? AND seq BETWEEN ? AND ?)"] * len(ranges))
        args = [v for r in ranges for v in r]
        rows = c.execute(self._q(
            "SELECT collector_id, seq, content_hash, 0 FROM records WHERE %s UNION ALL "
            "SELECT collector_id, seq, content_hash, 1 FROM refused_records WHERE %s"
            % (where, where)), args + args).fetchall()
        for cid, seq, h, refused in sorted(rows, key=lambda r: r[3]):   # readings first
            held[cid].setdefault(seq, bytes(h) if h is not None else None)
        return held

    def _add(self, g, collector_id, items, now, address, skew):
        held = g.held.setdefault(collector_id, {})  # the database's, then this group's
        new, refused, acked, dup, conflict = 0, [], None, 0, None
        for it in items:
            h = it.hash or content_hash(it.raw)
            if it.seq in held:
                if held[it.seq] not in (h, None):
                    conflict = ("seq %d already held with different content (held %s, "
                                "sent %s)" % (it.seq, held[it.seq].hex(), h.hex()))
                    break
                dup += 1
            elif it.problem:
                refused.append((collector_id, it.seq, h, it.problem, bytes(it.raw), now))
            else:
                row = it.row        # prepared: the same collector and time, else made here
                if row is None or row[0] != collector_id or row[9] != now:
                    row = record_row(collector_id, it.rec, h, now, it.meter_time)
                g.rows.append(row)
                new += 1
            held[it.seq] = h
            acked = it.seq
        g.refused.extend(refused)
        g.note(collector_id, now, address, skew, conflict,
               conflict or (refused[-1][3] if refused else None))
        return {"acked": acked, "new": new, "duplicate": dup,
                "refused": [(r[1], r[3]) for r in refused], "conflict": conflict}

    def note(self, collector_id, now, **kw):
        """Count an event of a collector (auth_failures=1, error="...", ...)."""
        with self._tx() as c:
            c.execute(self._q(NOTE_SQL), _note_args(collector_id, now, **kw))

    # --- reading back --------------------------------------------------------------------
    def count(self, collector_id=None):
        if collector_id is None:
            return self._all("SELECT COUNT(*) FROM records")[0][0]
        return self._all("SELECT COUNT(*) FROM records WHERE collector_id=?",
                         (collector_id,))[0][0]

    def max_seq(self, collector_id):
        v = self._all("SELECT MAX(seq) FROM records WHERE collector_id=?", (collector_id,))[0][0]
        return -1 if v is None else v

    def refused(self, collector_id=None):
        q = "SELECT collector_id, seq, reason FROM refused_records"
        args = ()
        if collector_id is not None:
            q += " WHERE collector_id=?"
            args = (collector_id,)
        return [tuple(r) for r in self._all(q + " ORDER BY collector_id, seq", args)]

    def records(self, meter_id=None):
        q = ("SELECT r.collector_id, r.seq, r.meter_id, time, rssi_dbm, values_json, "
             "coded_json, factors_json, telegram, meter_skew_s, d.result FROM records r "
             "LEFT JOIN redecoded d ON d.collector_id=r.collector_id AND d.seq=r.seq")
        args = ()
        if meter_id:
            q += " WHERE r.meter_id=?"
            args = (meter_id,)
        q += " ORDER BY r.meter_id, time, r.collector_id, r.seq"
        for row in self._iter(self._q(q), args):
            yield {"collector_id": row[0], "seq": row[1], "meter_id": row[2], "time": row[3],
                   "rssi_dbm": row[4], "values": json.loads(row[5]),
                   "coded": json.loads(row[6]), "factors": json.loads(row[7]),
                   "telegram": bytes(row[8]), "meter_skew_s": row[9], "host_check": row[10]}

    def export_readings(self, out, start=None, end=None, host_checks=None):
        """Write the readings CSV (one row per meter and day: the day's last reading of the
        meter's main value) to the text stream `out`; returns the number of rows.
        host_checks: a dict to count the rows' host re-decode results in."""
        w = csv.writer(out, lineterminator="\n")
        w.writerow(EXPORT_COLUMNS)
        last = {}
        set_date = {}           # meter -> (set date, reading at it), latest known
        for r in self.records():
            values = r["values"]
            _, set_field, date_field = reading_fields(values)
            sd = values.get(date_field), values.get(set_field)
            # the pair or nothing: the settlement books a reset from both (docs/settlement.md)
            if None not in sd:
                set_date[r["meter_id"]] = sd
            day = datetime.datetime.fromtimestamp(r["time"], datetime.timezone.utc).date()
            if (start and day < start) or (end and day > end):
                continue
            field, set_field, date_field = reading_fields(values)
            if field is None:
                continue
            last[(r["meter_id"], day)] = (
                values[field], "%s:%d" % (r["collector_id"], r["seq"]), r["coded"].get(field),
                r["factors"], set_date.get(r["meter_id"], (None, None)),
                _first(values, METER_CLOCK_FIELDS), r["host_check"])
        n = 0
        if host_checks is None:
            host_checks = {}
        for (mid, day), (value, ref, coded, factors, sd, clock, check) in sorted(last.items()):
            w.writerow((mid, day.isoformat(), _num(value), "reading", "collector", ref,
                        _num(coded), json.dumps(factors, sort_keys=True) if factors else "",
                        _text(sd[0]), _num(sd[1]), _text(clock), _text(check)))
            if check:
                host_checks[check] = host_checks.get(check, 0) + 1
            n += 1
        return n

    # --- meter keys ----------------------------------------------------------------------
    def put_meter_keys(self, rows, source, now):
        """Store (meter_id, key bytes) pairs; returns (new, replaced)."""
        with self._tx() as c:
            have = {r[0]: bytes(r[1])
                    for r in c.execute("SELECT meter_id, key FROM meter_keys")}
            changed = [(m,) for m, k in rows if have.get(m, k) != k]
            if changed:            # re-decoded with the old key: to be done again
                self._many(c, "DELETE FROM redecoded WHERE meter_id=?", changed)
            self._many(c, "INSERT INTO meter_keys VALUES (?,?,?,?) ON CONFLICT (meter_id) "
                       "DO UPDATE SET key=excluded.key, source=excluded.source, "
                       "imported_at=excluded.imported_at",
                       [(m, k, source, now) for m, k in rows])
        replaced = sum(1 for m, _ in rows if m in have)
        return len(rows) - replaced, replaced

    def meter_key(self, meter_id):
        r = self._all("SELECT key FROM meter_keys WHERE meter_id=?", (meter_id,))
        return bytes(r[0][0]) if r else None

    def meter_key_count(self):
        return self._all("SELECT COUNT(*) FROM meter_keys")[0][0]

    # --- host-side re-decode (redecode.py) -------------------------------------------------
    def redecode_page(self, after, redo=False, limit=500):
        """Up to `limit` records after (collector_id, seq) whose meter has an imported key and
        that were not re-decoded with that key yet (all of them with redo): tuples
        (collector_id, seq, meter_id, values_json, telegram, key). A key imported anew
        drops its meter's results (put_meter_keys), so they are re-decoded with it."""
        cid, seq = after
        return self._all(
            "SELECT r.collector_id, r.seq, r.meter_id, r.values_json, r.telegram, k.key "
            "FROM records r JOIN meter_keys k ON k.meter_id=r.meter_id "
            "LEFT JOIN redecoded d ON d.collector_id=r.collector_id AND d.seq=r.seq "
            "WHERE (r.collector_id>? OR (r.collector_id=? AND r.seq>?)) "
            "AND (?=1 OR d.seq IS NULL) "
            "ORDER BY r.collector_id, r.seq LIMIT %d" % int(limit),
            (cid, cid, seq, 1 if redo else 0))

    def put_redecoded(self, rows):
        """Store re-decode results (collector_id, seq, meter_id, result, detail,
        host_values_json, at), replacing earlier ones."""
        with self._tx() as c:
            self._many(c, "INSERT INTO redecoded VALUES (?,?,?,?,?,?,?) "
                       "ON CONFLICT (collector_id, seq) DO UPDATE SET result=excluded.result, "
                       "detail=excluded.detail, host_values_json=excluded.host_values_json, "
                       "at=excluded.at", rows)

    def meter_telegrams(self, meter_id, limit=50):
        """The meter's latest stored telegrams with their values JSON, oldest first."""
        rows = self._all("SELECT telegram, values_json, time FROM records WHERE meter_id=? "
                         "AND LENGTH(telegram) > 0 ORDER BY time DESC LIMIT %d" % int(limit),
                         (meter_id,))
        return [(t, v) for t, v, _ in reversed(rows)]

    def records_without_key(self):
        return self._all("SELECT COUNT(*) FROM records r LEFT JOIN meter_keys k "
                         "ON k.meter_id=r.meter_id WHERE k.meter_id IS NULL")[0][0]

    # --- fleet status --------------------------------------------------------------------
    def fleet(self, now, silent_days=3):
        """Per collector: last contact, records, gaps in sequence, clock skew, meter-clock
        disagreements, refused records by reason, security and upload errors; and the meters
        silent for more than `silent_days`."""
        out = {}
        for cid, n, lo, hi, last, flagged in self._all(
                "SELECT collector_id, COUNT(*), MIN(seq), MAX(seq), MAX(received_at), "
                "SUM(CASE WHEN meter_skew_s > ? OR meter_skew_s < ? THEN 1 ELSE 0 END) "
                "FROM records GROUP BY collector_id",
                (METER_CLOCK_TOLERANCE_S, -METER_CLOCK_TOLERANCE_S)):
            out[cid] = {"records": n, "first_seq": lo, "last_seq": hi,
                        "missing_seqs": hi - lo + 1 - n, "last_record_received": last,
                        "meter_clock_disagreements": int(flagged or 0)}
        for cid, reason, n in self._all(
                "SELECT collector_id, reason, COUNT(*) FROM refused_records "
                "GROUP BY collector_id, reason"):
            d = out.setdefault(cid, {}).setdefault("refused_records", {})
            d[reason] = n
        for cid, result, n, first in self._all(
                "SELECT collector_id, result, COUNT(*), MIN(seq) FROM redecoded "
                "GROUP BY collector_id, result"):
            d = out.setdefault(cid, {}).setdefault("host_redecode", {})
            d[result] = n
            if result not in ("agrees", "no telegram"):
                detail = self._all("SELECT detail FROM redecoded WHERE collector_id=? AND "
                                   "seq=?", (cid, first))[0][0]
                out[cid].setdefault("host_redecode_first", {})[result] = (
                    "seq %d: %s" % (first, detail))
        cols = ("last_contact", "last_address", "clock_skew_s") + STAT_COUNTERS + (
            "last_error", "last_error_at")
        for row in self._all("SELECT collector_id, %s FROM collector_stats" % ", ".join(cols)):
            out.setdefault(row[0], {}).update(zip(cols, row[1:]))
        for d in out.values():
            d.setdefault("records", 0)
            d.setdefault("refused_records", {})
            d.setdefault("host_redecode", {})
            lc = d.get("last_contact")
            d["since_contact_s"] = None if lc is None else now - lc
        silent = [{"meter_id": m, "last_reading": t, "days": (now - t) // 86400}
                  for m, t in self._all("SELECT meter_id, MAX(time) FROM records "
                                        "GROUP BY meter_id HAVING MAX(time) < ? "
                                        "ORDER BY meter_id", (now - silent_days * 86400,))]
        return {"time": now, "records": sum(d["records"] for d in out.values()),
                "collectors": out, "silent_days": silent_days, "silent_meters": silent}


class ReadingsDB(Storage):
    """SQLite: WAL, one connection per thread (reads go on beside the one writer).

    synchronous=NORMAL: a commit reaches the operating system before ingest acknowledges
    it, so a crash or kill of ingest loses nothing; the disk has it at the next checkpoint.
    With checkpoint_in_background that is within CHECKPOINT_EVERY_S, so a power cut of the
    server can lose about the last half second of acknowledged records, and they show
    as missing seqs of their collector in the fleet status (a server that must not lose
    one runs PostgreSQL, synchronous_commit on). FULL (an fsync in every commit) was
    measured: on this machine's ext4 the commits' fsyncs beside the checkpoint's writes
    stalled single commits for 150-900 ms (p99 of 10 collectors 916 ms, against 30-70 ms).
    """

    def __init__(self, path):
        self.path = str(path)
        self._local = threading.local()
        self._lock = threading.Lock()
        self._checkpointer = None
        self._stop = threading.Event()
        self._holder = None             # the thread that holds the writers' lock (lock_writer)
        self._writer_shared = None
        c = self._connection()
        have = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        with c:
            for sql in TABLES:
                c.execute(sql)
            self._migrate(c, "records" in have)

    def _migrate(self, c, existed):
        v = c.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
        if v is None:
            cols = {r[1] for r in c.execute("PRAGMA table_info(records)")}
            if existed and "content_hash" not in cols:
                for sql in MIGRATE_1_2:
                    c.execute(sql)
            c.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
        elif v < SCHEMA_VERSION:     # 2 -> 3: a new table, made above
            c.execute("INSERT INTO schema_version VALUES (?)", (SCHEMA_VERSION,))
        elif v > SCHEMA_VERSION:
            raise RuntimeError("%s has schema version %d, this fordel knows %d"
                               % (self.path, v, SCHEMA_VERSION))

    def _connection(self):
        c = getattr(self._local, "conn", None)
        if c is None:
            c = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            c.execute("PRAGMA journal_mode=WAL")
            c.execute("PRAGMA synchronous=NORMAL")
            c.execute("PRAGMA journal_size_limit=%d" % WAL_KEEP_BYTES)
            if self._checkpointer is not None:
                c.execute("PRAGMA wal_autocheckpoint=0")
            self._local.conn = c
        return c

    def checkpoint_in_background(self):
        """For a long-running writer (fordel ingest): commits stop copying the WAL into the
        database file; a thread does it every CHECKPOINT_EVERY_S.

        SQLite's own checkpoint runs inside the commit that takes the WAL past 1000 pages,
        while that writer holds the write lock every ingest worker queues on: in make bench
        it made a commit ~4x dearer and set the slowest group of uploads. The thread's
        checkpoint (PASSIVE) goes on beside the writers. The WAL starts over only when a
        writer begins with every frame copied, which writers that never pause do not
        allow; so past WAL_LIMIT_FRAMES the thread takes the writers' lock for the short
        rest (the frames written during its pass), and the next commit starts the WAL from
        its beginning."""
        if self.path == ":memory:" or self._checkpointer is not None:
            return
        self._checkpointer = threading.Thread(target=self._checkpoint_loop, daemon=True,
                                              name="sqlite-checkpoint")
        self._connection().execute("PRAGMA wal_autocheckpoint=0")
        self._checkpointer.start()

    def _checkpoint_loop(self):
        c = sqlite3.connect(self.path, timeout=30)
        lock = open(self.path + ".writer", "a+b")
        try:
            while not self._stop.wait(CHECKPOINT_EVERY_S):
                try:
                    # frames: the WAL's length since it last started over
                    frames = c.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()[1]
                    if frames > WAL_LIMIT_FRAMES:
                        fcntl.flock(lock, fcntl.LOCK_EX)
                        try:
                            c.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
                        finally:
                            fcntl.flock(lock, fcntl.LOCK_UN)
                except sqlite3.Error as e:      # busy, disk full: the writers go on; again
                    log.warning("checkpoint of %s: %s", self.path, e)
        finally:
            c.close()
            lock.close()

    def _conn(self):
        return _SqliteTx(self._connection())

    def _tx(self):
        # BEGIN IMMEDIATE: the write lock from the start, so the seqs held that a batch
        # is checked against cannot change before it commits (several ingest workers)
        held = self._holder == threading.get_ident()        # lock_writer: taken already
        return _SqliteTx(self._connection(), "BEGIN IMMEDIATE",
                         None if held else self._writer_file())

    def lock_writer(self, for_thread):
        """Take the writers' lock (this process's, then the lock file every ingest worker
        queues on) for thread `for_thread`, which then writes without waiting; blocks, so
        the ingest server calls it in a thread of its own while its event loop goes on.
        unlock_writer() lets go.

        Why: a writer thread beside a busy event loop gets the GIL back only every few
        ms after each row SQLite inserts (it lets go of the GIL per row), and held the
        workers' lock all that time; in make bench that waiting was as long as the write
        itself. The event loop writing itself, once the lock is taken, has no one to wait
        for."""
        self._lock.acquire()
        try:
            if self.path != ":memory:":
                f = self._shared_writer_file()
                fcntl.flock(f, fcntl.LOCK_EX)
        except BaseException:
            self._lock.release()
            raise
        self._holder = for_thread

    def unlock_writer(self):
        self._holder = None
        try:
            if self.path != ":memory:":
                fcntl.flock(self._shared_writer_file(), fcntl.LOCK_UN)
        finally:
            self._lock.release()

    def _shared_writer_file(self):
        if self._writer_shared is None:
            self._writer_shared = open(self.path + ".writer", "a+b")
        return self._writer_shared

    def _writer_file(self):
        """A lock file beside the database that the writers of several processes (ingest
        --workers) queue on: flock wakes the next one as soon as the lock is free, where
        SQLite's own busy wait sleeps up to 100 ms between tries."""
        if self.path == ":memory:":
            return None
        f = getattr(self._local, "writer", None)
        if f is None:
            f = self._local.writer = open(self.path + ".writer", "a+b")
        return f

    def _insert_records(self, c, rows):
        c.executemany("INSERT INTO records VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", rows)

    def add_batches(self, *a, **kw):             # add_batch comes here too
        if self._holder == threading.get_ident():   # lock_writer: this thread holds it
            return super().add_batches(*a, **kw)
        with self._lock:                         # one writer
            return super().add_batches(*a, **kw)

    def note(self, *a, **kw):
        if self._holder == threading.get_ident():
            return super().note(*a, **kw)
        with self._lock:
            return super().note(*a, **kw)

    def put_meter_keys(self, *a, **kw):
        with self._lock:
            return super().put_meter_keys(*a, **kw)

    def close(self):
        if self._checkpointer is not None:
            self._stop.set()
            self._checkpointer.join(30)
        c = getattr(self._local, "conn", None)
        if c is not None:
            c.close()
            self._local.conn = None
        f = getattr(self._local, "writer", None)
        if f is not None:
            f.close()
            self._local.writer = None
        if self._writer_shared is not None:
            self._writer_shared.close()
            self._writer_shared = None


class _SqliteTx:
    def __init__(self, conn, begin=None, lock_file=None):
        self.c, self.begin, self.lock_file = conn, begin, lock_file

    def __enter__(self):
        if self.lock_file is not None:
            fcntl.flock(self.lock_file, fcntl.LOCK_EX)
        try:
            self.c.__enter__()
            if self.begin:
                self.c.execute(self.begin)
        except BaseException:
            self._unlock()
            raise
        return self.c

    def __exit__(self, *exc):
        try:
            return self.c.__exit__(*exc)
        finally:
            self._unlock()

    def _unlock(self):
        if self.lock_file is not None:
            fcntl.flock(self.lock_file, fcntl.LOCK_UN)


def reading_fields(values):
    """(current reading, set-date reading, set date) field names of a stored reading, as its
    driver's billing contract (wmbus.billing) names them; a compact record (no driver
    named) by the record schema's tables (meterrecord). None where it has none."""
    c = billing.of(values)
    if c is not None and c[0] is not None and values.get(c[0]) is not None:
        return c[0], c[1], c[2]
    return (_first_name(values, MAIN_FIELDS), _first_name(values, SET_VALUE_FIELDS),
            _first_name(values, SET_DATE_FIELDS))


def _first_name(values, names):
    return next((n for n in names if values.get(n) is not None), None)


def _first(values, names):
    return next((values[n] for n in names if values.get(n) is not None), None)


def _num(v):
    if v is None:
        return ""
    return repr(float(v)) if isinstance(v, float) else v


def _text(v):
    return "" if v is None else str(v)
