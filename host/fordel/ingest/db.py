"""The readings database (SQLite): every record a collector uploaded, once, with its raw
telegram for audit; and the readings export the settlement reads.

A record is keyed by (collector id, sequence number): a batch sent twice after a dropped
connection is stored once.
"""
import csv
import datetime
import json
import sqlite3

from meterrecord import MAIN_FIELDS, METER_CLOCK_FIELDS, SET_DATE_FIELDS, SET_VALUE_FIELDS

SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    collector_id TEXT NOT NULL,
    seq          INTEGER NOT NULL,
    meter_id     TEXT NOT NULL,
    time         INTEGER NOT NULL,
    rssi_dbm     INTEGER,
    values_json  TEXT NOT NULL,
    coded_json   TEXT NOT NULL,
    factors_json TEXT NOT NULL,
    telegram     BLOB NOT NULL,
    received_at  INTEGER NOT NULL,
    PRIMARY KEY (collector_id, seq)
);
CREATE INDEX IF NOT EXISTS records_meter_time ON records (meter_id, time);
"""

# The reading a settlement uses, per kind of meter, first found wins (meterrecord).
# The export carries the raw reading (value), the collector's coded value and the factors it
# applied (JSON: the settlement refuses a reading whose factors disagree with meters.csv),
# and the meter's own set date, its reading at the set date and its clock where the
# meter's telegrams say them (the latest known for the set date, this record's for the clock).
EXPORT_COLUMNS = ("meter_id", "date", "value", "kind", "source", "telegram_ref", "coded_value",
                  "factors", "set_date", "set_date_value", "meter_time")


class ReadingsDB:
    def __init__(self, path):
        self.path = str(path)
        self.conn = sqlite3.connect(self.path, check_same_thread=False)
        self.conn.executescript(SCHEMA)

    def close(self):
        self.conn.close()

    def add(self, collector_id, records, received_at=None):
        """Insert decoded records (dicts from meterrecord.decode); returns how many were new."""
        now = int(received_at if received_at is not None else datetime.datetime.now().timestamp())
        rows = []
        for r in records:
            rows.append((collector_id, r["seq"], "%08x" % r["meter_id"], int(r["time"]),
                         r.get("rssi_dbm"), json.dumps(r.get("values", {}), sort_keys=True),
                         json.dumps(r.get("coded", {}), sort_keys=True),
                         json.dumps(r.get("factors", {}), sort_keys=True),
                         bytes(r.get("telegram", b"")), now))
        with self.conn:
            before = self.conn.total_changes
            self.conn.executemany("INSERT OR IGNORE INTO records VALUES (?,?,?,?,?,?,?,?,?,?)",
                                  rows)
            return self.conn.total_changes - before

    def count(self, collector_id=None):
        if collector_id is None:
            return self.conn.execute("SELECT COUNT(*) FROM records").fetchone()[0]
        return self.conn.execute("SELECT COUNT(*) FROM records WHERE collector_id=?",
                                 (collector_id,)).fetchone()[0]

    def max_seq(self, collector_id):
        v = self.conn.execute("SELECT MAX(seq) FROM records WHERE collector_id=?",
                              (collector_id,)).fetchone()[0]
        return -1 if v is None else v

    def records(self, meter_id=None):
        q = "SELECT collector_id, seq, meter_id, time, rssi_dbm, values_json, coded_json, " \
            "factors_json, telegram FROM records"
        args = ()
        if meter_id:
            q += " WHERE meter_id=?"
            args = (meter_id,)
        q += " ORDER BY meter_id, time, collector_id, seq"
        for row in self.conn.execute(q, args):
            yield {"collector_id": row[0], "seq": row[1], "meter_id": row[2], "time": row[3],
                   "rssi_dbm": row[4], "values": json.loads(row[5]),
                   "coded": json.loads(row[6]), "factors": json.loads(row[7]),
                   "telegram": row[8]}

    def export_readings(self, out, start=None, end=None):
        """Write the readings CSV (one row per meter and day: the day's last reading of the
        meter's main value) to the text stream `out`; returns the number of rows."""
        w = csv.writer(out, lineterminator="\n")
        w.writerow(EXPORT_COLUMNS)
        last = {}
        set_date = {}           # meter -> (set date, reading at it), latest known
        for r in self.records():
            values = r["values"]
            sd = _first(values, SET_DATE_FIELDS), _first(values, SET_VALUE_FIELDS)
            if sd != (None, None):
                set_date[r["meter_id"]] = sd
            day = datetime.datetime.fromtimestamp(r["time"], datetime.timezone.utc).date()
            if (start and day < start) or (end and day > end):
                continue
            field = next((f for f in MAIN_FIELDS if f in values), None)
            if field is None:
                continue
            last[(r["meter_id"], day)] = (
                values[field], "%s:%d" % (r["collector_id"], r["seq"]), r["coded"].get(field),
                r["factors"], set_date.get(r["meter_id"], (None, None)),
                _first(values, METER_CLOCK_FIELDS))
        n = 0
        for (mid, day), (value, ref, coded, factors, sd, clock) in sorted(last.items()):
            w.writerow((mid, day.isoformat(), _num(value), "reading", "collector", ref,
                        _num(coded), json.dumps(factors, sort_keys=True) if factors else "",
                        _text(sd[0]), _num(sd[1]), _text(clock)))
            n += 1
        return n


def _first(values, names):
    return next((values[n] for n in names if values.get(n) is not None), None)


def _num(v):
    if v is None:
        return ""
    return repr(float(v)) if isinstance(v, float) else v


def _text(v):
    return "" if v is None else str(v)
