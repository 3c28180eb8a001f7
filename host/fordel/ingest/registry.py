"""Who may upload, with which keys, for which meters: the collectors file.

    # collector_id,key_id,key,meters
    Søndergade-1,1,8f3a...(hex, at least 16 bytes),12345678 12345679
    Søndergade-1,2,77c0...,                  (a second key for rotation; meters as above)
    Lager-7,1,0b1c...,*                       (* = any meter, named in the start log)

UTF-8. One row per (collector, key id); a collector's meters are the union of its rows.
Rotation without downtime: add the new key id, move the collector to it, remove the old row;
the server re-reads the file when it changes (and on SIGHUP). A file that does not read
keeps the registry that was in force, and the reason shows in the log and in /status.
An empty or short key, a key that is not hex, or a row without meters is refused at start.
"""
import csv
import os

MIN_KEY_BYTES = 16
ANY_METER = "*"


class RegistryError(ValueError):
    pass


class Collector:
    __slots__ = ("collector_id", "keys", "meters")

    def __init__(self, collector_id):
        self.collector_id = collector_id
        self.keys = {}           # key id -> key bytes
        self.meters = set()      # "12345678" ids, or None for any meter

    def may_write(self, meter_id):
        return self.meters is None or meter_id in self.meters


def _meter_ids(text, where):
    text = text.strip()
    if text == ANY_METER:
        return None
    if not text:
        raise RegistryError("%s: no meters: list the collector's meter ids (8 hex digits, "
                            "spaces between) or %s for any meter" % (where, ANY_METER))
    out = set()
    for m in text.split():
        try:
            out.add("%08x" % int(m, 16))
        except ValueError:
            raise RegistryError("%s: meter id %r is not hex" % (where, m))
    return out


def parse_collectors(text, source="collectors file"):
    """{collector_id: Collector} from the file's text; RegistryError naming row and reason."""
    found = {}
    for n, row in enumerate(csv.reader(text.splitlines()), 1):
        if not row or not "".join(row).strip() or row[0].lstrip().startswith("#"):
            continue
        if row[0].strip() == "collector_id":
            continue
        where = "%s row %d" % (source, n)
        if len(row) != 4:
            raise RegistryError("%s: want collector_id,key_id,key,meters, got %d fields"
                                % (where, len(row)))
        cid, kid, key, meters = (f.strip() for f in row)
        if not cid:
            raise RegistryError("%s: empty collector id" % where)
        if not kid or not kid.isascii() or not kid.isprintable() or " " in kid:
            raise RegistryError("%s: key id must be a printable ASCII word" % where)
        if not key:
            raise RegistryError("%s: empty key for collector %r" % (where, cid))
        try:
            kb = bytes.fromhex(key)
        except ValueError:
            raise RegistryError("%s: key of collector %r is not hex" % (where, cid))
        if len(kb) < MIN_KEY_BYTES:
            raise RegistryError("%s: key of collector %r is %d bytes, want at least %d"
                                % (where, cid, len(kb), MIN_KEY_BYTES))
        c = found.setdefault(cid, Collector(cid))
        if kid in c.keys:
            raise RegistryError("%s: collector %r has key id %r twice" % (where, cid, kid))
        c.keys[kid] = kb
        ids = _meter_ids(meters, where)
        if ids is None or c.meters is None:
            c.meters = None
        else:
            c.meters |= ids
    if not found:
        raise RegistryError("%s: no collectors" % source)
    return found


def from_keys(keys, meters=None):
    """A registry from {collector_id: key bytes} (key id "1"; tests and the HIL rig);
    meters: {collector_id: ids} or None for any meter."""
    out = {}
    for cid, key in keys.items():
        if not key:
            raise RegistryError("empty key for collector %r" % cid)
        c = Collector(cid)
        c.keys["1"] = bytes(key)
        c.meters = None if meters is None else {"%08x" % int(m, 16) if isinstance(m, str)
                                                else "%08x" % m for m in meters.get(cid, ())}
        out[cid] = c
    return out


class Registry:
    """The collectors in force; `refresh()` re-reads the file when it changed."""

    def __init__(self, path=None, collectors=None):
        self.path = path
        self.mtime = None
        self.reload_error = None
        self.collectors = collectors if collectors is not None else self._read()

    def _read(self):
        with open(self.path, encoding="utf-8") as f:
            text = f.read()
        self.mtime = os.stat(self.path).st_mtime_ns
        return parse_collectors(text, self.path)

    def refresh(self, force=False):
        """Re-read the file if it changed; returns the reason it could not, or None."""
        if self.path is None:
            return None
        try:
            if not force and os.stat(self.path).st_mtime_ns == self.mtime:
                return None
            self.collectors = self._read()
            self.reload_error = None
        except (OSError, UnicodeDecodeError, RegistryError) as e:
            self.reload_error = "collectors file not reloaded, previous keys stay: %s" % e
        return self.reload_error

    def get(self, collector_id):
        return self.collectors.get(collector_id)

    def unrestricted(self):
        return sorted(c for c, v in self.collectors.items() if v.meters is None)
