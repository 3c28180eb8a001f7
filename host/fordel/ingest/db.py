"""The readings database (SQLite): every record a collector uploaded, once, with its raw
telegram for audit; and the readings export the settlement reads.

A record is keyed by (collector id, sequence number): a batch sent twice after a dropped
connection is stored once.
"""
import csv
import datetime
import json
import sqlite3

from wmbus import billing

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

EXPORT_COLUMNS = ("meter_id", "date", "value", "kind", "source", "telegram_ref")


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
        for r in self.records():
            day = datetime.datetime.fromtimestamp(r["time"], datetime.timezone.utc).date()
            if (start and day < start) or (end and day > end):
                continue
            value = billing.current(r["values"])     # the driver's billing contract
            if value is None:
                continue
            last[(r["meter_id"], day)] = (value, "%s:%d" % (r["collector_id"], r["seq"]))
        n = 0
        for (mid, day), (value, ref) in sorted(last.items()):
            w.writerow((mid, day.isoformat(), repr(float(value)) if isinstance(value, float)
                        else value, "reading", "collector", ref))
            n += 1
        return n
