"""The reading record: one CBOR map per stored reading, written by the collector and read by
the host (ingest, audit). Schema version 1 (docs/records.md):

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
"""
from .cbor import CBORError, FixedWriter, dumps, encode_into, loads

VERSION = 1
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
    try:
        m = loads(data)
    except CBORError as e:
        raise RecordError("broken CBOR: %s" % e)
    if not isinstance(m, dict):
        raise RecordError("record is not a CBOR map")
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
    return out
