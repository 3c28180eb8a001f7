"""What ingest checks in a record before it becomes a reading.

Two kinds of trouble:
- a broken batch (not a CBOR array of byte strings, a record that does not decode, a seq
  outside 0..2^63-1 or twice in the batch, a record naming another collector): the upload is
  refused whole with 400 and the reason; nothing of it is stored, the collector keeps it.
- a record that decodes but cannot be a reading (time before 2020 or in the future, a main
  value that is not a finite number, a value that is a list or map, a meter the collector is
  not registered for, ...): it is stored in `refused_records` with the reason (kept for audit,
  never exported), counted per collector, named in the answer, and acknowledged, so one bad
  record cannot fill the collector's flash.
"""
import datetime
import math

from meterrecord import MAIN_FIELDS, METER_CLOCK_FIELDS

SEQ_LIMIT = 1 << 63
EARLIEST = int(datetime.datetime(2020, 1, 1, tzinfo=datetime.timezone.utc).timestamp())
FUTURE_SLACK_S = 600           # a collector clock this far ahead of the server's is tolerated
MAX_TELEGRAM = 512
METER_CLOCK_TOLERANCE_S = 86400  # meters keep local time to the minute; a day apart is a fault


def _number(v):
    return type(v) in (int, float) and (type(v) is int or math.isfinite(v))


def check_batch_record(rec, collector_id, index):
    """The structural checks that refuse the whole batch; returns the reason or None."""
    seq = rec["seq"]
    if type(seq) is not int or not 0 <= seq < SEQ_LIMIT:
        return "record %d of the batch: seq %r outside 0..2^63-1" % (index, seq)
    # a compact record (meterrecord COMPACT) carries no collector id: it is the uploader's
    if rec["collector_id"] not in (collector_id, None):
        return ("record seq %d names collector %r, upload came from %r"
                % (seq, rec["collector_id"], collector_id))
    return None


def _map_problem(name, m, numbers_only):
    """Why the map is not text -> finite number (or short text unless numbers_only)."""
    for k, v in m.items():          # hot: 3 maps of every record; type() tests, no calls
        t = type(v)
        if type(k) is not str:
            return "%s has a key %r that is not text" % (name, k)
        if t is int or (t is float and v - v == 0):     # v - v is NaN for NaN and inf
            continue
        if numbers_only:
            return "%s[%s] is %r, want a finite number" % (name, k, v)
        if t is not str or len(v) > 200:
            return "%s[%s] is %s, want a number or short text" % (name, k, t.__name__)
    return None


def record_problem(rec, collector, now):
    """Why this decoded record cannot be stored as a reading, or None."""
    t = rec["time"]
    if type(t) is not int or t < EARLIEST:
        return "time %r is before 2020-01-01 (collector clock not set?)" % (t,)
    if t > now + FUTURE_SLACK_S:
        return "time %d is %d s in the future of the server's clock" % (t, t - now)
    mid = rec["meter_id"]
    if type(mid) is not int or not 0 <= mid <= 0xFFFFFFFF:
        return "meter id %r is not a 32-bit number" % (mid,)
    if collector is not None and not collector.may_write("%08x" % mid):
        return "meter %08x is not registered for collector %s" % (mid, collector.collector_id)
    r = rec["rssi_dbm"]
    if r is not None and (type(r) is not int or not -200 <= r <= 20):
        return "rssi_dbm %r out of range" % (r,)
    if len(rec["telegram"]) > MAX_TELEGRAM:
        return "telegram of %d bytes, longer than any wM-Bus frame" % len(rec["telegram"])
    for f in MAIN_FIELDS:
        if f in rec["values"] and not _number(rec["values"][f]):
            return "values[%s] is %r, want a finite number" % (f, rec["values"][f])
    return (_map_problem("values", rec["values"], False)
            or _map_problem("coded", rec["coded"], True)
            or _map_problem("factors", rec["factors"], False))


def meter_clock(values):
    """The meter's own clock from its telegram ("YYYY-MM-DD HH:MM[:SS]", read as UTC) as unix
    seconds, or None when the record does not carry it."""
    for f in METER_CLOCK_FIELDS:
        v = values.get(f)
        if type(v) is str and len(v) >= 16:
            try:        # date and time between any one character, "T" or " "
                return (datetime.datetime.fromisoformat(v[:19]) - _EPOCH) // _SECOND
            except ValueError:
                continue
    return None


_EPOCH = datetime.datetime(1970, 1, 1)
_SECOND = datetime.timedelta(seconds=1)
