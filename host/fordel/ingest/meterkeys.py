"""Meter keys as makers deliver them, read for the host-side re-decode.

Formats read (CSV, UTF-8 or UTF-8 with BOM; separator `,`, `;` or tab, found from the
first row):
- two columns without a header: `meter_id,key` (the collector's coding.csv style);
- a header row naming the meter id column (one of: meter_id, meter id, id, serial,
  serial number, serial no, serienummer, meter number, målernummer, address) and the key
  column (one of: key, aes key, aes_key, aes-key, aes128, aes-128 key, encryption key,
  nøgle, aes-nøgle); other columns are ignored.
A meter id is the 8 digits printed on the meter (its wM-Bus A-field id); a key is hex,
16 bytes (AES-128) or 8 (DES, security mode 2), as wmbus.keys defines it (spaces, colons
and dashes between digits allowed). Errors name the file, the row and the reason, never
the key.
"""
import csv
import io

from wmbus.keys import key_problem

ID_NAMES = ("meter_id", "meter id", "id", "serial", "serial number", "serial no",
            "serienummer", "meter number", "målernummer", "address")
KEY_NAMES = ("key", "aes key", "aes_key", "aes-key", "aes128", "aes-128 key",
             "encryption key", "nøgle", "aes-nøgle")


class KeyFileError(ValueError):
    pass


def _sep(first_line):
    counts = {s: first_line.count(s) for s in (";", "\t", ",")}
    return max(counts, key=counts.get) if max(counts.values()) else ","


def _meter_id(text, where):
    t = text.strip().replace(" ", "")
    if len(t) != 8 or any(c not in "0123456789abcdefABCDEF" for c in t):
        raise KeyFileError("%s: meter id %r is not 8 digits" % (where, text.strip()))
    return t.lower()


def _key(text, where):
    t = "".join(c for c in text if c not in " :-\t")
    problem = key_problem(t)
    if problem:
        raise KeyFileError("%s: key %s" % (where, problem))
    return bytes.fromhex(t)


def read_meter_keys(text, source="key file"):
    """[(meter_id, key bytes)] from the file's text; KeyFileError naming row and reason."""
    text = text.lstrip("\ufeff")
    lines = text.splitlines()
    if not lines:
        raise KeyFileError("%s: empty" % source)
    rows = list(csv.reader(io.StringIO(text), delimiter=_sep(lines[0])))
    head = [c.strip().lower() for c in rows[0]]
    id_col = next((head.index(n) for n in ID_NAMES if n in head), None)
    key_col = next((head.index(n) for n in KEY_NAMES if n in head), None)
    start = 1
    if id_col is None or key_col is None:
        if len(rows[0]) != 2:
            raise KeyFileError("%s: no header naming the meter id and key columns (%s)"
                               % (source, ", ".join(rows[0])))
        id_col, key_col, start = 0, 1, 0
    out = {}
    for n, row in enumerate(rows[start:], start + 1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        where = "%s row %d" % (source, n)
        if len(row) <= max(id_col, key_col):
            raise KeyFileError("%s: %d fields, want the id in column %d and the key in %d"
                               % (where, len(row), id_col + 1, key_col + 1))
        mid = _meter_id(row[id_col], where)
        key = _key(row[key_col], where)
        if out.get(mid, key) != key:
            raise KeyFileError("%s: meter %s listed twice with different keys" % (where, mid))
        out[mid] = key
    if not out:
        raise KeyFileError("%s: no keys" % source)
    return sorted(out.items())
