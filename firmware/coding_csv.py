"""Reading the technician's coding CSV into a CodingTable (coding.py): parsing and checking
each row (by the rules in shared/meterrecord/coding.py, which `fordel provision` applies on
the laptop too), the two-pass load, sorting the slots by meter id and writing the keys file. Only
needed at boot: CodingTable.load imports this module and drops it again, so its code does
not stay in the collector's RAM. It knows the table only as the class handed to `load`
(coding.py imports this module, never the reverse)."""
import array

from meterrecord.coding import (KINDS, KQ_STEP, MULT_STEP, RED_STEP, SCALES, CodingError,
                                check_header, is_data_line, parse_row)


def load(cls, path, capacity=None):
    """Read the coding CSV in two passes (count, then fill), so only the flat arrays of
    exactly that many meters are allocated; rows may come in any order."""
    n = 0
    with open(path) as f:
        for line in f:
            line = line.strip()
            if is_data_line(line):
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
                if line.startswith("meter_id"):
                    check_header(line, "%s row %d" % (path, lineno))
                if not is_data_line(line):
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
    self.id_hi[i] = num >> 16
    self.id_lo[i] = num & 0xFFFF
    if self.rows is not None:
        self.rows[i] = lineno
    self.kinds[i] = KINDS.index(kind)
    self.scales[i] = SCALES.index(scale)
    self.keyed[i] = len(key) if key else 0         # 16 AES-128, 8 DES
    if key:
        if self._kw is not None:
            self._kw.write(key)
            if len(key) < 16:
                self._kw.write(bytes(16 - len(key)))    # every slot is 16 bytes
        else:
            self.keys[16 * i:16 * i + len(key)] = key
    elif self._kw is not None:
        self._kw.write(bytes(16))
    if kind == "hca":
        self.kq[i] = int(kq * KQ_STEP + 0.5)
        self.kc[i] = int(kc * KQ_STEP + 0.5)
    else:
        m = int(mult * MULT_STEP + 0.5)
        if not 0 < m <= 0xFFFFFFFF:
            raise CodingError("%s: multiplier %s of meter %s outside 0.000001..4294"
                              % (where, mult, "%08x" % num))
        self.mult[i] = m
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
    mid = self.meter_id
    order = sorted(range(n), key=mid)
    rows = self.rows
    for k in range(1, n):
        if mid(order[k]) == mid(order[k - 1]):
            if rows is None:
                raise CodingError("%s: meter %08x is coded twice" % (where, mid(order[k])))
            raise CodingError("%s rows %d and %d: meter %08x is coded twice"
                              % (where, rows[order[k - 1]], rows[order[k]],
                                 mid(order[k])))
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
    return (self.id_hi[i], self.id_lo[i], self.kinds[i], self.scales[i], self.keyed[i],
            None if self.keys is None else bytes(self.keys[16 * i:16 * i + 16]),
            self.kq[i], self.kc[i], self.red[i], self.mult[i], self.driver_ix[i])


def _put(self, i, v):
    self.id_hi[i], self.id_lo[i] = v[0], v[1]
    self.kinds[i], self.scales[i], self.keyed[i] = v[2], v[3], v[4]
    if self.keys is not None:
        self.keys[16 * i:16 * i + 16] = v[5]
    self.kq[i], self.kc[i], self.red[i], self.mult[i] = v[6], v[7], v[8], v[9]
    self.driver_ix[i] = v[10]
