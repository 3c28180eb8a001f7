"""The technician's coding of each meter (målerkodning), kept on the collector.

One row per meter, pushed by `fordel provision` as a CSV file on flash:

    meter_id,key,apartment,room,kind,scale,kq,kc,reduction,multiplier,driver
    12345678,0123456789ABCDEF0123456789ABCDEF,3.tv,stue,hca,unit,1.25,0.95,0.10,,qcaloric

kind        hca | hot_water | cold_water | heat
scale       HCA only: ``unit`` (enhedsskala: the allocator counts raw divisions and the
            radiator factors are applied here) or ``product`` (produktskala: the allocator is
            programmed with its radiator factor, so the count already holds KQ x KC).
kq, kc      EN 834 radiator rating factor KQ and thermal coupling factor KC (HCA).
reduction   reduction for exposed location (reduktion for udsat beliggenhed) as a fraction
            0..<1, applied to the units only where the property puts the reduction on the
            units rather than on the fordelingstal; empty = 0.
multiplier  water/heat meter multiplier (pulse or register factor); empty = 1.

Coded value (what the settlement uses):
    hca, unit scale     reading x KQ x KC x (1 - reduction)
    hca, product scale  reading x (1 - reduction)          (KQ, KC already in the count)
    water / heat        reading x multiplier

The table is held in flat arrays (500 meters fit in a few kB of a 96 kB heap); apartment and
room stay in the CSV on flash and are read only when diagnostics ask for them.
"""
import array
import binascii

KINDS = ("hca", "hot_water", "cold_water", "heat")
SCALES = ("unit", "product")
COLUMNS = ("meter_id", "key", "apartment", "room", "kind", "scale", "kq", "kc",
           "reduction", "multiplier", "driver")
_HAS_KEY = 0x80


class CodingError(Exception):
    """A coding file row that cannot be used; the message names file, row and reason."""


def _float(text, default, what, where):
    text = text.strip()
    if not text:
        return default
    try:
        return float(text)
    except ValueError:
        raise CodingError("%s: %s %r is not a number" % (where, what, text))


def parse_row(line, where):
    """One CSV line -> tuple of typed values; raises CodingError naming `where`."""
    cells = [c.strip() for c in line.split(",")]
    if len(cells) < 5:
        raise CodingError("%s: expected at least 5 columns (%s), got %d"
                          % (where, ",".join(COLUMNS[:5]), len(cells)))
    while len(cells) < len(COLUMNS):
        cells.append("")
    mid = cells[0].lower()
    if len(mid) != 8:
        raise CodingError("%s: meter_id %r must be 8 hex digits" % (where, cells[0]))
    try:
        num = int(mid, 16)
    except ValueError:
        raise CodingError("%s: meter_id %r must be 8 hex digits" % (where, cells[0]))
    key = cells[1]
    if key:
        if len(key) != 32:
            raise CodingError("%s: key for meter %s must be 32 hex digits, got %d"
                              % (where, mid, len(key)))
        try:
            key = binascii.unhexlify(key)
        except ValueError:
            raise CodingError("%s: key for meter %s is not hex" % (where, mid))
    else:
        key = None
    kind = cells[4].lower()
    if kind not in KINDS:
        raise CodingError("%s: kind %r of meter %s is not one of %s"
                          % (where, cells[4], mid, "/".join(KINDS)))
    scale = cells[5].lower() or "unit"
    if scale not in SCALES:
        raise CodingError("%s: scale %r of meter %s is not unit/product" % (where, cells[5], mid))
    kq = _float(cells[6], 1.0, "kq", where)
    kc = _float(cells[7], 1.0, "kc", where)
    red = _float(cells[8], 0.0, "reduction", where)
    mult = _float(cells[9], 1.0, "multiplier", where)
    if kq <= 0 or kc <= 0 or mult <= 0:
        raise CodingError("%s: factors of meter %s must be positive" % (where, mid))
    if not 0.0 <= red < 1.0:
        raise CodingError("%s: reduction %r of meter %s must be in 0..<1" % (where, red, mid))
    return num, key, cells[2], cells[3], kind, scale, kq, kc, red, mult, cells[10]


class CodingTable:
    """All coded meters, looked up by meter id (the 8-digit A-field id as an int)."""

    def __init__(self, capacity=512, key_file=None):
        self.capacity = capacity
        self.n = 0
        self.ids = array.array("I", bytes(4 * capacity))
        self.flags = bytearray(capacity)          # kind index | scale << 4 | _HAS_KEY
        # AES keys: in RAM (16 B a meter), or on flash in key_file (read per telegram into
        # one 16-byte buffer; 500 meters' keys would take 8 kB of a 96 kB heap)
        self.key_file = key_file
        self.keys = None if key_file else bytearray(16 * capacity)
        self._kbuf = bytearray(16)
        self._kf = None
        self._kw = None
        # factors in small fixed-point arrays (6 B a meter, no 8 kB block): an allocator's
        # KQ and KC in thousandths (EN 834 ratings have at most 3 decimals) and reduction
        # in 1/10000; a water or heat meter's multiplier in millionths, its high half in kq
        # and low half in kc (0.000001 to 4294)
        self.kq = array.array("H", bytes(2 * capacity))
        self.kc = array.array("H", bytes(2 * capacity))
        self.red = array.array("H", bytes(2 * capacity))
        self.driver_names = []                     # distinct driver names, each stored once
        self.driver_ix = bytearray(capacity)       # slot -> 1 + index in driver_names, 0 none
        self.rows = None        # while loading: CSV row of each slot (for error messages)
        self.path = None

    def __len__(self):
        return self.n

    @classmethod
    def load(cls, path, capacity=None):
        """Read the coding CSV in two passes (count, then fill), so only the flat arrays of
        exactly that many meters are allocated; rows may come in any order."""
        n = 0
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line and not line.startswith("#") and not line.startswith("meter_id"):
                    n += 1
        table = cls(capacity or max(1, n), key_file=path + ".keys")
        table.path = path
        table.rows = array.array("H", bytes(2 * table.capacity))
        # keys go to a scratch file in CSV order, then to key_file in slot order
        table._kw = open(table.key_file + ".tmp", "wb")
        try:
            with open(path) as f:
                lineno = 0
                for line in f:
                    lineno += 1
                    line = line.strip()
                    if not line or line.startswith("#") or line.startswith("meter_id"):
                        continue
                    table._add(parse_row(line, "%s row %d" % (path, lineno)), path, lineno)
        finally:
            table._kw.close()
            table._kw = None
        order = table._sort(path)
        table._write_keys(order)
        table.rows = None
        return table

    def _write_keys(self, order):
        """Keys from the scratch file (CSV order) to key_file in slot order: slot i's key is
        at 16*i, so no per-meter row index stays in RAM."""
        tmp = self.key_file + ".tmp"
        buf = self._kbuf
        with open(tmp, "rb") as src:
            with open(self.key_file, "wb") as dst:
                for i in range(self.n):
                    src.seek(16 * order[i])
                    src.readinto(buf)
                    dst.write(buf)
        import os
        os.remove(tmp)

    def _add(self, row, where="coding", lineno=0):
        num, key, _apt, _room, kind, scale, kq, kc, red, mult, driver = row
        if self.n >= self.capacity:
            raise CodingError("%s: more than %d meters coded" % (where, self.capacity))
        i = self.n
        self.ids[i] = num
        if self.rows is not None:
            self.rows[i] = lineno
        self.flags[i] = KINDS.index(kind) | (SCALES.index(scale) << 4) | (_HAS_KEY if key else 0)
        if key:
            if self._kw is not None:
                self._kw.write(key)
            else:
                self.keys[16 * i:16 * i + 16] = key
        elif self._kw is not None:
            self._kw.write(bytes(16))
        if kind == "hca":
            if kq > 65.535 or kc > 65.535:
                raise CodingError("%s: KQ %s / KC %s above 65.535" % (where, kq, kc))
            self.kq[i] = int(kq * 1000 + 0.5)
            self.kc[i] = int(kc * 1000 + 0.5)
        else:
            m = int(mult * 1000000 + 0.5)
            if not 0 < m <= 0xFFFFFFFF:
                raise CodingError("%s: multiplier %s of meter %s outside 0.000001..4294"
                                  % (where, mult, "%08x" % num))
            self.kq[i] = m >> 16
            self.kc[i] = m & 0xFFFF
        self.red[i] = int(red * 10000 + 0.5)
        if driver:
            if driver not in self.driver_names:
                if len(self.driver_names) >= 255:
                    raise CodingError("%s: more than 255 different drivers" % where)
                self.driver_names.append(driver)
            self.driver_ix[i] = self.driver_names.index(driver) + 1
        self.n = i + 1

    def _sort(self, where="coding"):
        """Order the slots by meter id (binary search needs it), permuting every array in
        place; a meter coded twice is an error naming both rows."""
        n = self.n
        ids = self.ids
        order = sorted(range(n), key=lambda i: ids[i])
        rows = self.rows
        for k in range(1, n):
            if ids[order[k]] == ids[order[k - 1]]:
                if rows is None:
                    raise CodingError("%s: meter %08x is coded twice" % (where, ids[order[k]]))
                raise CodingError("%s rows %d and %d: meter %08x is coded twice"
                                  % (where, rows[order[k - 1]], rows[order[k]],
                                     ids[order[k]]))
        self._permute(order)
        return order

    def _permute(self, order):
        """Slot k takes what slot order[k] held, in every array."""
        n = self.n
        done = bytearray(n)
        for start in range(n):            # follow each cycle of the permutation
            if done[start] or order[start] == start:
                done[start] = 1
                continue
            j = start
            tmp = self._take(start)
            while True:
                src = order[j]
                done[j] = 1
                if src == start:
                    self._put(j, tmp)
                    break
                self._put(j, self._take(src))
                j = src

    def _take(self, i):
        return (self.ids[i], self.flags[i],
                None if self.keys is None else bytes(self.keys[16 * i:16 * i + 16]),
                self.kq[i], self.kc[i], self.red[i], self.driver_ix[i])

    def _put(self, i, v):
        self.ids[i], self.flags[i] = v[0], v[1]
        if self.keys is not None:
            self.keys[16 * i:16 * i + 16] = v[2]
        self.kq[i], self.kc[i], self.red[i] = v[3], v[4], v[5]
        self.driver_ix[i] = v[6]

    def slot(self, meter_id):
        """Index of the meter in the table, or -1 when it is not coded (binary search)."""
        ids = self.ids
        lo, hi = 0, self.n
        while lo < hi:
            mid = (lo + hi) >> 1
            v = ids[mid]
            if v < meter_id:
                lo = mid + 1
            elif v > meter_id:
                hi = mid
            else:
                return mid
        return -1

    def key(self, slot):
        """The meter's AES key (a reused 16-byte buffer when keys are on flash), or None."""
        if slot < 0 or not self.flags[slot] & _HAS_KEY:
            return None
        if self.keys is not None:
            return bytes(self.keys[16 * slot:16 * slot + 16])
        if self._kf is None:
            self._kf = open(self.key_file, "rb")
        self._kf.seek(16 * slot)
        self._kf.readinto(self._kbuf)
        return self._kbuf

    def kind(self, slot):
        return KINDS[self.flags[slot] & 0x0F]

    def scale(self, slot):
        return SCALES[(self.flags[slot] >> 4) & 0x07]

    def driver(self, slot):
        ix = self.driver_ix[slot]
        return self.driver_names[ix - 1] if ix else None

    def factor(self, slot):
        """The one multiplier this meter's readings get, and the factors behind it."""
        red = self.red[slot] / 10000
        if self.flags[slot] & 0x0F == 0:  # hca
            if (self.flags[slot] >> 4) & 0x07 == 0:  # unit scale
                return self.kq[slot] / 1000 * self.kc[slot] / 1000 * (1.0 - red)
            return 1.0 - red
        return self.multiplier(slot)

    def multiplier(self, slot):
        """A water or heat meter's multiplier (kept in millionths across kq:kc)."""
        return (self.kq[slot] << 16 | self.kc[slot]) / 1000000

    def factors_used(self, slot):
        """What the record names as the factors applied (for audit on the host)."""
        if self.flags[slot] & 0x0F == 0:
            return {"scale": self.scale(slot), "kq": self.kq[slot] / 1000,
                    "kc": self.kc[slot] / 1000, "reduction": self.red[slot] / 10000}
        return {"multiplier": _r(self.multiplier(slot))}

    def apply(self, slot, values):
        """Coded values for one decoded reading: every HCA-unit, m³ or kWh field times the
        meter's factor. Returns a new dict {field: coded value}."""
        kind = self.flags[slot] & 0x0F
        suffix = ("_hca", "_m3", "_m3", "_kwh")[kind]
        k = _r(self.factor(slot))
        coded = {}
        for name in values:
            v = values[name]
            if name.endswith(suffix) and isinstance(v, (int, float)):
                coded[name] = round(v * k, 4)
        return coded

    def describe(self, slot):
        """Apartment and room of a coded meter, read from the coding file on flash."""
        want = "%08x" % self.ids[slot]
        if self.path is None:
            return "", ""
        with open(self.path) as f:
            for line in f:
                if line[:8].lower() == want:
                    cells = line.split(",")
                    return cells[2].strip() if len(cells) > 2 else "", \
                        cells[3].strip() if len(cells) > 3 else ""
        return "", ""


def _r(x):
    # factors are stored as float32: round to 6 significant digits so 1.25 stays 1.25
    return float("%.6g" % x)
