"""Host-side re-decode with imported keys (`fordel ingest redecode`), on SQLite and PostgreSQL.

The telegrams, keys and the values the collector stored are wmbusmeters' published examples
(shared/tests/wmbusmeters_examples.json: src/driver_waterstarm.cc and drivers/src/caltose.xmq,
with the values wmbusmeters prints for them): an independent decode, not this program's."""
import json
import pathlib

import cbor2
from click.testing import CliRunner

from fordel.cli import main
from fordel.ingest.db import BatchItem, open_db
from meterrecord import encode, from_map, make_compact, make_record
from meterrecord.coding import pack_factors

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "shared/tests/wmbusmeters_examples.json"
NOW = 1800000000


def _example(source):
    for e in json.loads(EXAMPLES.read_text())["examples"]:
        if e["source"] == source and e.get("key"):
            return e
    raise LookupError(source)


WATER = _example("src/driver_waterstarm.cc")          # meter 20096221, mode 5
HCA = _example("drivers/src/caltose.xmq")             # meter 80081991, mode 5
WRONG_KEY = "00112233445566778899AABBCCDDEEFF"
UNKEYED = 0x44556677


def _item(seq, rec):
    raw = encode(rec, seq)
    return BatchItem(seq, raw, from_map(cbor2.loads(raw)))


def _full(example, values=None):
    v = dict(example["expected"]) if values is None else values
    mid = int(example["expected"]["id"], 16)
    return make_record("c1", mid, NOW - 600, -70, v, {}, {}, bytes.fromhex(example["telegram"]))


def _store(db_target):
    db = open_db(db_target)
    tampered = dict(WATER["expected"], total_m3=0.107)         # not what the meter sent
    compact = make_compact(int(WATER["expected"]["id"], 16), NOW - 60, {"total_m3": 0.106}, 1,
                           pack_factors(2, 0, 0, 0, 0, 1000000))
    unkeyed = make_record("c1", UNKEYED, NOW - 600, -70, {"total_m3": 1.5}, {}, {}, b"\x05")
    items = [_item(0, _full(WATER)), _item(1, _full(WATER, tampered)), _item(2, compact),
             _item(3, _full(HCA)), _item(4, unkeyed)]
    db.add_batch("c1", items, NOW)
    return db


def _import(tmp_path, db_target, rows, name="keys.csv"):
    f = tmp_path / name
    f.write_text("meter_id,key\n" + "".join("%s,%s\n" % r for r in rows))
    r = CliRunner().invoke(main, ["keys", "import", str(f), "--db", db_target])
    assert r.exit_code == 0, r.output


def _redecode(db_target, *extra):
    r = CliRunner().invoke(main, ["ingest", "redecode", "--db", db_target, "--json", *extra])
    assert r.exit_code == 0, r.output
    return json.loads(r.output)


def test_redecode_with_imported_keys_checks_the_collectors_values(tmp_path, db_target):
    db = _store(db_target)
    _import(tmp_path, db_target, [(WATER["expected"]["id"], WATER["key"]),
                                  (HCA["expected"]["id"], WRONG_KEY)])
    counts = _redecode(db_target)
    # seq 0 as the meter sent it; seq 1 with total_m3 0.107 against the telegram's 0.106;
    # seq 2 a compact record without its telegram; seq 3 the caltose telegram under a key
    # that is not its own; seq 4 a meter with no imported key
    assert {k: v for k, v in counts.items() if v} == {
        "agrees": 1, "differs": 1, "no telegram": 1, "key error": 1, "no key": 1}
    assert _redecode(db_target) == dict.fromkeys(counts, 0) | {"no key": 1}   # done once

    r = CliRunner().invoke(main, ["ingest", "status", "--db", db_target, "--json"])
    c1 = json.loads(r.output)["collectors"]["c1"]
    assert c1["host_redecode"] == {"agrees": 1, "differs": 1, "no telegram": 1,
                                   "key error": 1}
    assert c1["host_redecode_first"]["differs"] == (
        "seq 1: total_m3: collector 0.107, host 0.106")
    table = CliRunner().invoke(main, ["ingest", "status", "--db", db_target]).output
    assert "c1: first differs: seq 1: total_m3: collector 0.107, host 0.106" in table

    # the readings export says per reading what the host re-decode found
    out = tmp_path / "readings.csv"
    r = CliRunner().invoke(main, ["readings", "export", "--db", db_target, "--out", str(out)])
    assert r.exit_code == 0, r.output
    rows = {(x["meter_id"], x["telegram_ref"]): x["host_check"]
            for x in map(dict, _csv_rows(out))}
    assert rows[("80081991", "c1:3")] == "key error"
    assert rows[("44556677", "c1:4")] == ""                   # no key: not re-decoded
    assert "host re-decode:" in r.output and "1 key error" in r.output

    # the right key for the caltose meter, imported anew: its record is re-decoded and agrees
    _import(tmp_path, db_target, [(HCA["expected"]["id"], HCA["key"])], "fixed.csv")
    again = _redecode(db_target)
    assert (again["agrees"], again["key error"]) == (1, 0)
    assert sum(again[k] for k in again if k != "no key") == 1
    db.close()


def test_redecode_never_shows_a_key(tmp_path, db_target):
    db = _store(db_target)
    _import(tmp_path, db_target, [(WATER["expected"]["id"], WATER["key"]),
                                  (HCA["expected"]["id"], WRONG_KEY)])
    outputs = [CliRunner().invoke(main, ["ingest", "redecode", "--db", db_target]).output,
               CliRunner().invoke(main, ["ingest", "redecode", "--db", db_target, "--all",
                                         "--json"]).output,
               CliRunner().invoke(main, ["ingest", "status", "--db", db_target]).output,
               CliRunner().invoke(main, ["ingest", "status", "--db", db_target,
                                         "--json"]).output]
    assert "re-decoded with imported keys" in outputs[0]
    for text in outputs:
        for key in (WATER["key"], HCA["key"], WRONG_KEY):
            assert key.lower() not in text.lower()
    db.close()


def _csv_rows(path):
    import csv
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


class _CompactDecoder:
    """Stands in for the wM-Bus decoder in one respect only: a compact frame (here b"C...")
    decodes once a full frame (b"F...") of the same format was decoded by this decoder,
    else it raises UNKNOWN_FORMAT (shared/wmbus/decoder.py; real frames:
    shared/tests/test_compact_formats.py)."""

    def __init__(self, **kw):
        self.learnt = False

    def decode(self, frame, key=None, driver=None):
        from wmbus import WMBusError
        from wmbus.errors import UNKNOWN_FORMAT
        if frame.startswith(b"F"):
            self.learnt = True
        elif not self.learnt:
            raise WMBusError("compact frame format 1234 unknown", "20096221", UNKNOWN_FORMAT)
        return {"total_m3": 1.5}


def test_a_compact_frame_after_its_full_frame_was_checked_in_an_earlier_run(
        tmp_path, monkeypatch):
    """Run 1 re-decodes the full frame; the compact frame arrives later, and run 2 (a new
    decoder) must learn the format from the meter's stored full frame instead of calling
    the compact frame a decode error."""
    from fordel.ingest import redecode as rd
    monkeypatch.setattr(rd, "Decoder", _CompactDecoder)
    db = open_db(str(tmp_path / "r.sqlite"))
    mid = int(WATER["expected"]["id"], 16)

    def record(seq, frame):
        return _item(seq, make_record("c1", mid, NOW - 600 + seq, -70, {"total_m3": 1.5},
                                      {}, {}, frame))
    db.add_batch("c1", [record(0, b"F-full")], NOW)
    db.put_meter_keys([(WATER["expected"]["id"], bytes.fromhex(WATER["key"]))], "k", NOW)
    assert rd.redecode(db)["agrees"] == 1
    db.add_batch("c1", [record(1, b"C-compact")], NOW)
    counts = rd.redecode(db)
    assert (counts["agrees"], counts["decode error"]) == (1, 0)
    db.close()
