"""The readings database on PostgreSQL (`--db postgresql://user@host/db`): psycopg 3, a
connection pool, records written with COPY inside the batch's transaction.

Same tables and rules as the SQLite database (db.py); the schema is created and migrated
at start. Sizing, retention and partitioning for a large fleet: docs/ingest.md.
"""
import re

import psycopg
import psycopg.errors
from psycopg_pool import ConnectionPool

from .db import MIGRATE_1_2, RECORD_COLUMNS, SCHEMA_VERSION, TABLES, Storage


# RECORD_COLUMNS' PostgreSQL types (TABLES after _pg), for the binary COPY
RECORD_TYPES = ("text", "int8", "text", "int8", "int8", "text", "text", "text", "bytea",
                "int8", "bytea", "int8")


def _pg(sql):
    sql = re.sub(r"\bBLOB\b", "BYTEA", sql)
    return re.sub(r"\bINTEGER\b", "BIGINT", sql)


class PgReadingsDB(Storage):
    P = "%s"

    def __init__(self, url, pool_size=8):
        self.path = url
        self.pool = ConnectionPool(url, min_size=1, max_size=pool_size, open=True,
                                   kwargs={"autocommit": False}, timeout=30)
        with self.pool.connection() as c:
            c.execute("SELECT pg_advisory_xact_lock(715001)")     # one migrator at a time
            existed = c.execute("SELECT to_regclass('records') IS NOT NULL").fetchone()[0]
            for sql in TABLES:
                c.execute(_pg(sql))
            v = c.execute("SELECT MAX(version) FROM schema_version").fetchone()[0]
            if v is None:
                cols = {r[0] for r in c.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_name='records'")}
                if existed and "content_hash" not in cols:
                    for sql in MIGRATE_1_2:
                        c.execute(_pg(sql))
                c.execute("INSERT INTO schema_version VALUES (%s)", (SCHEMA_VERSION,))
            elif v < SCHEMA_VERSION:     # 2 -> 3: a new table, made above
                c.execute("INSERT INTO schema_version VALUES (%s)", (SCHEMA_VERSION,))
            elif v > SCHEMA_VERSION:
                raise RuntimeError("database has schema version %d, this fordel knows %d"
                                   % (v, SCHEMA_VERSION))

    def _conn(self):
        return self.pool.connection()

    def add_batch(self, *a, **kw):
        try:
            return super().add_batch(*a, **kw)
        except psycopg.errors.UniqueViolation:
            # another ingest worker stored some of these seqs between this batch's check of
            # what is held and its COPY (one collector on two connections): rolled back,
            # checked again against what is held now
            return super().add_batch(*a, **kw)

    def _many(self, c, sql, rows):
        with c.cursor() as cur:
            cur.executemany(self._q(sql), rows)

    def _iter(self, sql, args=()):
        with self.pool.connection() as c:
            with c.cursor(name="fordel_rows") as cur:       # server-side: streamed
                cur.itersize = 2000
                cur.execute(self._q(sql), args)
                yield from cur

    def _insert_records(self, c, rows):
        # binary COPY: neither side turns the telegram and hash into hex and back, nor the
        # numbers into text
        with c.cursor() as cur:
            with cur.copy("COPY records (%s) FROM STDIN (FORMAT BINARY)"
                          % ", ".join(RECORD_COLUMNS)) as cp:
                cp.set_types(RECORD_TYPES)
                for r in rows:
                    cp.write_row(r)

    def close(self):
        self.pool.close()


def reset_for_tests(url):
    """Drop the ingest tables (a throwaway test database only)."""
    with psycopg.connect(url, autocommit=True) as c:
        for t in ("records", "refused_records", "collector_stats", "meter_keys", "redecoded",
                  "schema_version"):
            c.execute("DROP TABLE IF EXISTS %s" % t)
