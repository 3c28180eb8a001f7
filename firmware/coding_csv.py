"""Reading the technician's coding CSV into a CodingTable (coding.py): parsing and checking
each row, the two-pass load, sorting the slots by meter id and writing the keys file. Only
needed at boot: CodingTable.load imports this module and drops it again, so its code does
not stay in the collector's RAM. It knows the table only as the class handed to `load`
(coding.py imports this module, never the reverse)."""
import array
import binascii

from meterrecord.coding import COLUMNS, KINDS, KQ_STEP, MULT_STEP, RED_STEP, SCALES, CodingError


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
                _add(table, parse_row(line, "%s row %d" % (path, lineno)), path, lineno)
    finally:
        table._kw.close()
        table._kw = None
    order = _sort(table, path)
    _write_keys(table, order)
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
    self.flags[i] = KINDS.index(kind) | (SCALES.index(scale) << 4) | \
        (self.HAS_KEY if key else 0)
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
        self.kq[i] = int(kq * KQ_STEP + 0.5)
        self.kc[i] = int(kc * KQ_STEP + 0.5)
    else:
        m = int(mult * MULT_STEP + 0.5)
        if not 0 < m <= 0xFFFFFFFF:
            raise CodingError("%s: multiplier %s of meter %s outside 0.000001..4294"
                              % (where, mult, "%08x" % num))
        self.kq[i] = m >> 16
        self.kc[i] = m & 0xFFFF
    self.red[i] = int(red * RED_STEP + 0.5)
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
    _permute(self, order)
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
        tmp = _take(self, start)
        while True:
            src = order[j]
            done[j] = 1
            if src == start:
                _put(self, j, tmp)
                break
            _put(self, j, _take(self, src))
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
