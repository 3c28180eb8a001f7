"""Records reach PostgreSQL by binary COPY (pg.py): the types it declares must be the
table's own, and every column must come back as written, NULLs and bytes included."""
import psycopg

from fordel.ingest.db import RECORD_COLUMNS, BatchItem, open_db
from fordel.ingest.pg import RECORD_TYPES, reset_for_tests
from meterrecord import decode, encode, make_record

PG_NAMES = {"text": "text", "bigint": "int8", "bytea": "bytea"}


def test_binary_copy_types_are_the_tables(pg_url):
    reset_for_tests(pg_url)
    open_db(pg_url).close()                     # creates the schema
    with psycopg.connect(pg_url) as c:
        types = dict(c.execute("SELECT column_name, data_type FROM information_schema.columns "
                               "WHERE table_name='records'").fetchall())
    assert tuple(PG_NAMES[types[col]] for col in RECORD_COLUMNS) == RECORD_TYPES


def test_binary_copy_round_trip(pg_url):
    reset_for_tests(pg_url)
    db = open_db(pg_url)
    telegram = bytes(range(256)) + b"\x00\\x"            # every byte value, a backslash
    raw = encode(make_record("Søndergade-1", 0xFFFFFFFF, 1_700_000_000, None,
                             {"total_m3": 12.5, "status": "tab\there"}, {"total_m3": 125.0},
                             {"multiplier": 10.0}, telegram), 2**62)
    item = BatchItem(2**62, raw, decode(raw), meter_time=1_700_000_000 - 7)
    assert db.add_batch("Søndergade-1", [item], now=1_700_000_100)["new"] == 1
    with psycopg.connect(pg_url) as c:
        row = c.execute("SELECT %s FROM records" % ", ".join(RECORD_COLUMNS)).fetchone()
    assert row[:5] == ("Søndergade-1", 2**62, "ffffffff", 1_700_000_000, None)
    assert bytes(row[8]) == telegram and row[9] == 1_700_000_100 and row[11] == 7
    assert '"status":"tab\\there"' in row[5] and len(bytes(row[10])) == 16
    db.close()
