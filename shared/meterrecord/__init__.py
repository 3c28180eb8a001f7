"""The reading record: one CBOR map per stored reading, written by the collector and read by
the host (ingest, audit). Two forms (docs/records.md); `decode` returns both as the same dict.

Full record, schema version 1 (first reading, set-date readings, alarms):

    key  name          type
    0    version       uint (1)
    1    collector_id  text
    2    seq           uint   persistent, strictly increasing per collector
    3    meter_id      uint   A-field id; its hex digits are the printed id
    4    time          uint   unix seconds (collector clock)
    5    rssi_dbm      int or null
    6    values        map text -> number|text   decoded fields (driver's names)
    7    coded         map text -> number        values after the meter's coding
    8    factors       map text -> number|text   the coding factors applied
    9    telegram      bytes  the frame as received (L-field first, CRCs removed)
    10   store_id      text   optional: the collector store that numbered the record (a new
                              one after erased or replaced flash: seq starts again at 0)

Compact record, version 2 (the daily reading: ~40 B instead of ~300 B, no telegram):

    0 version (2), 2 seq, 3 meter_id, 4 time as above, and
    11   field         uint   index in MAIN_FIELDS of the main value
    12   value         number the main value as decoded
    13   factors       array  the coding factors applied (meterrecord.coding.pack_factors)
  and, in the reading of a meter that passed its set date (~100 B):
    9    telegram      bytes  the frame as received, for the audit
    14   set_field     uint   index in SET_VALUE_FIELDS of the meter's set-date reading
    15   set_value     number the meter's own reading at its set date
    16   set_date      text   the meter's set date as decoded

decode() gives it the full record's names: values {field: value, and the set-date fields},
coded {field: value x factor}, factors as a dict, telegram (b"" if none), rssi_dbm,
collector_id and store_id None (the upload names the collector), form "compact".
"""
from .cbor import CBORError, FixedWriter, dumps, encode_into  # noqa: F401 (re-exported)
from .coding import factor_of, unpack_factors

VERSION = 1
COMPACT = 2
# 2020-01-01 UTC: a clock reading earlier was never set (an ESP32 counts from 2000 after
# power-up until NTP or the server's answer sets it); no reading is dated by it
CLOCK_VALID_AFTER = 1577836800
# the main (billing) value of a reading, first found wins; a compact record names its field
# by index here, so only ever append
MAIN_FIELDS = ("current_consumption_hca", "total_m3", "total_energy_consumption_kwh",
               "total_kwh", "current_hca", "consumption_hca")
# the meter's own reading at its set date (skæringsdato) and the date itself, by the names
# drivers give them, first found wins; only ever append (compact records use the index)
SET_VALUE_FIELDS = ("consumption_at_set_date_hca", "consumption_at_set_date_m3",
                    "total_at_set_date_m3", "target_hca", "target_m3", "target_kwh",
                    "consumption_at_set_date_1_hca", "consumption_at_set_date_1_m3",
                    "previous_hca", "prev_hca", "consumption_at_reporting_date_m3",
                    "total_at_date_m3", "last_month_total_m3", "due_m3", "due_date_m3",
                    "volume_year_period_m3", "target_energy_kwh")
SET_DATE_FIELDS = ("set_date", "target_date", "set_datetime", "target_datetime",
                   "season_start_date", "previous_date", "reporting_date", "at_date",
                   "last_month_measure_date", "due_date", "prev_date",
                   "meter_year_period_end_date")
# The names above are the record schema's; which of a reading's fields is its current
# reading, set-date reading and set date is the driver's billing contract (wmbus.billing):
# the functions below take the names from there and only index them here.
_billing = None
METER_CLOCK_FIELDS = ("meter_datetime", "device_datetime")
NAMES = ("version", "collector_id", "seq", "meter_id", "time", "rssi_dbm", "values",
         "coded", "factors", "telegram", "store_id")
_TYPES = (int, str, int, int, int, None, dict, dict, dict, bytes, str)
_REQUIRED = 10          # fields 0..9 are required; 10 (store_id) may be absent


class RecordError(ValueError):
    """A record that cannot be read: broken CBOR, wrong version, missing or mistyped field."""


def make_record(collector_id, meter_id, time, rssi_dbm, values, coded, factors, frame):
    """A record (dict by field number) not yet numbered: the store gives it its seq."""
    return {0: VERSION, 1: collector_id, 3: meter_id, 4: int(time), 5: rssi_dbm,
            6: values, 7: coded, 8: factors, 9: bytes(frame)}


def make_compact(meter_id, time, values, field, packed_factors, frame=None):
    """A compact record, not yet numbered; field is an index in MAIN_FIELDS. With the frame
    it also carries the meter's set-date reading and date (the set-date record)."""
    r = {0: COMPACT, 3: meter_id, 4: int(time), 11: field, 12: values[MAIN_FIELDS[field]],
         13: packed_factors}
    if frame is not None:
        r[9] = bytes(frame)
        c = _contract(values)
        ix = _index(SET_VALUE_FIELDS, c[1] if c else None, values)
        if ix >= 0:
            r[14] = ix
            r[15] = values[SET_VALUE_FIELDS[ix]]
        ix = _index(SET_DATE_FIELDS, c[2] if c else None, values)
        if ix >= 0:
            r[16] = values[SET_DATE_FIELDS[ix]]
    return r


def _contract(values):
    """The reading's billing contract (current, set value, set date, unit) or None."""
    global _billing
    if _billing is None:
        from wmbus import billing
        _billing = billing
    return _billing.of(values)


def _index(names, name, values):
    """Index in names of the contract's field `name` if the reading holds it, else -1."""
    if name is None or values.get(name) is None:
        return -1
    for i in range(len(names)):
        if names[i] == name:
            return i
    return -1


def first_of(values, names):
    """Index in names of the first one the reading has (not None), or -1."""
    for i in range(len(names)):
        if values.get(names[i]) is not None:
            return i
    return -1


def main_field(values):
    """Index in MAIN_FIELDS of a reading's current reading (its driver's billing contract,
    wmbus.billing), or -1 when it has none."""
    c = _contract(values)
    return _index(MAIN_FIELDS, c[0] if c else None, values)


def encode(record, seq, out=None):
    """CBOR bytes of the record with sequence number seq (into bytearray `out` if given)."""
    record[2] = seq
    buf = out if out is not None else bytearray()
    encode_into(buf, record)
    return buf if out is not None else bytes(buf)


def encode_to(record, seq, writer):
    """Encode into a FixedWriter (its buffer preallocated); returns the length."""
    record[2] = seq
    writer.n = 0
    encode_into(writer, record)
    return writer.n


def decode(data):
    """dict with NAMES as keys; RecordError naming the reason."""
    from .cbor_read import loads
    try:
        m = loads(data)
    except CBORError as e:
        raise RecordError("broken CBOR: %s" % e)
    return from_map(m)


def from_map(m):
    """decode() for a record already read from CBOR (the host reads it with cbor2)."""
    if not isinstance(m, dict):
        raise RecordError("record is not a CBOR map")
    if m.get(0) == COMPACT:
        return _decode_compact(m)
    if m.get(0) != VERSION:
        raise RecordError("record schema version %r, this reader knows %d" % (m.get(0), VERSION))
    out = {}
    for k, name in enumerate(NAMES):
        if k not in m:
            if k >= _REQUIRED:
                out[name] = None
                continue
            raise RecordError("record field %d (%s) missing" % (k, name))
        v = m[k]
        t = _TYPES[k]
        if t is not None and not isinstance(v, t):
            raise RecordError("record field %d (%s) is %s, want %s"
                              % (k, name, type(v).__name__, t.__name__))
        out[name] = v
    r = out["rssi_dbm"]
    if r is not None and not isinstance(r, int):
        raise RecordError("record field 5 (rssi_dbm) is not an integer")
    out["form"] = "full"
    return out


def _decode_compact(m):
    for k, name, t in ((2, "seq", int), (3, "meter_id", int), (4, "time", int),
                       (11, "field", int), (13, "factors", list)):
        if not isinstance(m.get(k), t):
            raise RecordError("compact record field %d (%s) missing or not %s"
                              % (k, name, t.__name__))
    ix, v = m[11], m.get(12)
    if not 0 <= ix < len(MAIN_FIELDS):
        raise RecordError("compact record field 11 (field) %d is not a main field" % ix)
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise RecordError("compact record field 12 (value) is not a number")
    try:
        factors = unpack_factors(m[13])
    except (ValueError, TypeError, IndexError) as e:
        raise RecordError("compact record field 13 (factors): %s" % e)
    name = MAIN_FIELDS[ix]
    values = {name: v}
    tel = m.get(9, b"")
    if not isinstance(tel, bytes):
        raise RecordError("compact record field 9 (telegram) is not bytes")
    if 14 in m:
        k, sv = m[14], m.get(15)
        if not (isinstance(k, int) and 0 <= k < len(SET_VALUE_FIELDS)) or \
                isinstance(sv, bool) or not isinstance(sv, (int, float)):
            raise RecordError("compact record fields 14/15 (set-date reading) unusable")
        values[SET_VALUE_FIELDS[k]] = sv
    if 16 in m:
        if not isinstance(m[16], str):
            raise RecordError("compact record field 16 (set_date) is not text")
        values["set_date"] = m[16]
    return {"version": COMPACT, "collector_id": None, "seq": m[2], "meter_id": m[3],
            "time": m[4], "rssi_dbm": None, "values": values,
            "coded": {name: round(v * factor_of(factors), 4)}, "factors": factors,
            "telegram": tel, "store_id": None, "form": "compact"}
