"""Host-side re-decode: the raw telegram kept in each record, decoded again on the host with
the meter key imported by `fordel keys import`, and compared with what the collector decoded.

    fordel ingest redecode --db DB [--all] [--json]

Why: the collector stores a record only when it decoded the telegram with its own key (a
telegram it cannot decrypt is counted as a key error in its status and not stored), so what
the host can do with the maker's keys is check the fleet: that the collector's readings are
what the meter sent, decoded with the key the property's owner got from the maker and
today's host decoder (a collector on older firmware with a driver fixed since shows up).

Per record one result, kept in the `redecoded` table and shown by `fordel ingest status`
and in the readings export's `host_check` column:
- agrees          every field the collector stored has the same value from the host decode
                  (numbers to 1 part in 10^6: a collector on single-precision floats);
- differs         a field differs or is missing on the host; the detail names each field with
                  both values;
- key error       the imported key does not decrypt the telegram (a wrong key in the maker's
                  file, or the collector was coded with another key);
- not encrypted   the meter has a key and this telegram came in the clear;
- decode error    the host decoder refuses the telegram (the reason in the detail);
- no telegram     a compact daily record keeps no telegram: nothing to re-decode.
Records of meters without an imported key are counted, not stored. A record is re-decoded
once per key (a different key imported for its meter drops the meter's results, so the
next run re-decodes them; --all re-decodes everything).
Keys are never printed or stored anywhere but meter_keys: details carry field values and
the decoder's reason, which never contains key material.
"""
import json
import math
import time

from wmbus import Decoder, WMBusError
from wmbus import errors as wmerrors

# fields of a decode that are not the meter's: the name comes from the host's names list,
# "_" is a record marker
NOT_COMPARED = ("_", "name")
REL_TOL = 1e-6
RESULTS = ("agrees", "differs", "key error", "not encrypted", "decode error", "no telegram")


def _same(a, b):
    if type(a) in (int, float) and type(b) in (int, float):
        return math.isclose(a, b, rel_tol=REL_TOL, abs_tol=1e-9)
    return a == b


def compare(collector_values, host_values):
    """The fields where the host decode differs from the collector's: [(field, collector's
    value, host's value or the text 'missing')]."""
    out = []
    for k, v in sorted(collector_values.items()):
        if k in NOT_COMPARED:
            continue
        if k not in host_values:
            out.append((k, v, "missing"))
        elif not _same(v, host_values[k]):
            out.append((k, v, host_values[k]))
    return out


def check_record(decoder, values, telegram, key):
    """(result, detail, host values or None) for one record (see the module doc)."""
    if not telegram:
        return "no telegram", None, None
    try:
        host = decoder.decode(telegram, key=key, driver=values.get("meter"))
    except WMBusError as e:
        if e.code in (wmerrors.WRONG_KEY, wmerrors.NO_KEY):
            return "key error", e.reason, None
        if e.code == wmerrors.NOT_ENCRYPTED:
            return "not encrypted", e.reason, None
        if e.code == wmerrors.UNKNOWN_FORMAT:
            return "decode error", UNKNOWN_FORMAT_DETAIL, None
        return "decode error", "%s: %s" % (e.kind, e.reason), None
    diff = compare(values, host)
    if diff:
        return "differs", "; ".join("%s: collector %r, host %r" % d for d in diff), host
    return "agrees", None, host


UNKNOWN_FORMAT_DETAIL = "compact frame of a format not seen yet"


def learn_formats(db, decoder, meter_id, key, limit=50):
    """A compact frame names its format only by a signature; the full frame that shows the
    format may have been re-decoded in an earlier run. Decode the meter's latest full
    telegrams (errors ignored) so the decoder knows their formats; True if any decoded."""
    learnt = False
    for telegram, values_json in db.meter_telegrams(meter_id, limit):
        try:
            decoder.decode(bytes(telegram), key=key,
                           driver=json.loads(values_json).get("meter"))
            learnt = True
        except WMBusError:
            pass
    return learnt


def redecode(db, redo=False, now=None, page=500):
    """Re-decode the records that have an imported key and no result for it yet (all with
    redo); store the results. Returns {result: n, ..., "no key": records without a key}."""
    now = int(time.time()) if now is None else now
    # keyed meters must decrypt, as on the collector; one decoder for the run, records in
    # (collector, seq) order, so a compact frame's format is learnt from the full one before
    dec = Decoder(keyed_must_decrypt=True)
    counts = dict.fromkeys(RESULTS, 0)
    after = ("", -1)
    while True:
        rows = db.redecode_page(after, redo, page)
        if not rows:
            break
        out = []
        for cid, seq, mid, values_json, telegram, key in rows:
            values = json.loads(values_json)
            result, detail, host = check_record(dec, values, bytes(telegram), bytes(key))
            if detail == UNKNOWN_FORMAT_DETAIL and learn_formats(db, dec, mid, bytes(key)):
                result, detail, host = check_record(dec, values, bytes(telegram), bytes(key))
            counts[result] += 1
            out.append((cid, seq, mid, result, detail,
                        None if host is None else json.dumps(host, sort_keys=True, default=str),
                        now))
        db.put_redecoded(out)
        after = (rows[-1][0], rows[-1][1])
    counts["no key"] = db.records_without_key()
    return counts
