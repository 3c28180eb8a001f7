"""The technician's coding of each meter (målerkodning), kept on the collector.

One row per meter, written to the collector's flash as coding.csv by `fordel provision`
(host/fordel/device/provision.py, after checking every row), by the simulated property's
`coding_csv()`, or by hand through mpremote:

    meter_id,key,apartment,room,kind,scale,kq,kc,reduction,multiplier,driver
    12345678,0123456789ABCDEF0123456789ABCDEF,3.tv,stue,hca,unit,1.25,0.95,0.10,,qcaloric

What the columns mean and which factor a reading gets is defined once, in the shared
meterrecord.coding (the settlement uses the same definition); this module holds the table.

The table is held in flat arrays (500 meters fit in a few kB of a 96 kB heap); apartment and
room stay in the CSV on flash, read a line at a time only when the console lists the meters
(collector.Collector.meters) or `describe` asks for one meter.
"""
import array

from meterrecord.coding import (COLUMNS, KINDS, KQ_STEP, MULT_STEP, RED_STEP,  # noqa: F401
                                SCALES, CodingError, factor_of, pack_factors)
from meterrecord.coding import factors_used as named_factors
_UNITS = ("hca", "m3", "m3", "kwh")     # the reading unit of each kind (wmbus/billing.py)
_billing = None

try:
    from micropython import const
except ImportError:             # CPython (host tools that read a coding file)
    def const(x):
        return x

_HCA = const(0)                 # KINDS.index("hca")
_UNIT = const(0)                # SCALES.index("unit")


class CodingTable:
    """All coded meters, looked up by meter id (the 8-digit A-field id as an int)."""

    error = None        # why the coding file could not be used (main.build), for `status`

    def __init__(self, capacity=512, key_file=None):
        self.capacity = capacity
        self.n = 0
        # meter ids (up to 0x99999999) as 16-bit halves: a 32-bit port like the ESP32's keeps
        # ints below 2**30 off the heap, so a whole id read from an array("I") would
        # allocate at every step of slot()'s search, for every telegram
        self.id_hi = array.array("H", bytes(2 * capacity))
        self.id_lo = array.array("H", bytes(2 * capacity))
        self.kinds = bytearray(capacity)          # index in KINDS
        self.scales = bytearray(capacity)         # index in SCALES (an allocator's)
        # the meter's key length in bytes: 0 none, 16 AES-128, 8 DES (wmbus.keys)
        self.keyed = bytearray(capacity)
        # keys in 16-byte slots (a DES key in the first 8): in RAM, or on flash in key_file
        # (read per telegram into one reused buffer of the key's length; 500 meters' keys
        # would take 8 kB of a 96 kB heap)
        self.key_file = key_file
        self.keys = None if key_file else bytearray(16 * capacity)
        self._kbuf = bytearray(16)
        self._kbuf8 = bytearray(8)
        self._kf = None
        self._kw = None
        # factors in fixed-point arrays (10 B a meter, no 8 kB block of floats): an
        # allocator's KQ and KC in thousandths (EN 834 ratings have at most 3 decimals) and
        # reduction in 1/10000; a water or heat meter's multiplier in millionths
        # (0.000001 to 4294)
        self.kq = array.array("H", bytes(2 * capacity))
        self.kc = array.array("H", bytes(2 * capacity))
        self.red = array.array("H", bytes(2 * capacity))
        self.mult = array.array("I", bytes(4 * capacity))
        self.driver_names = []                     # distinct driver names, each stored once
        self.driver_ix = bytearray(capacity)       # slot -> 1 + index in driver_names, 0 none
        self.rows = None        # while loading: CSV row of each slot (for error messages)
        self.path = None

    def __len__(self):
        return self.n

    @classmethod
    def load(cls, path, capacity=None):
        """Read the coding CSV (coding_csv.py: parsed, checked and sorted at boot, then that
        code is dropped from RAM again). CodingError names file, row and reason."""
        import sys
        import coding_csv
        try:
            return coding_csv.load(cls, path, capacity)
        finally:
            sys.modules.pop("coding_csv", None)

    def slot(self, meter_id):
        """Index of the meter in the table, or -1 when it is not coded (binary search)."""
        want_hi = meter_id >> 16
        want_lo = meter_id & 0xFFFF
        id_hi, id_lo = self.id_hi, self.id_lo
        lo, hi = 0, self.n
        while lo < hi:
            mid = (lo + hi) >> 1
            h = id_hi[mid]
            if h < want_hi or (h == want_hi and id_lo[mid] < want_lo):
                lo = mid + 1
            elif h > want_hi or id_lo[mid] > want_lo:
                hi = mid
            else:
                return mid
        return -1

    def meter_id(self, slot):
        return self.id_hi[slot] << 16 | self.id_lo[slot]

    def key(self, slot):
        """The meter's key, 16 bytes (AES-128) or 8 (DES), or None (a reused buffer when
        keys are on flash)."""
        if slot < 0:
            return None
        n = self.keyed[slot]
        if not n:
            return None
        if self.keys is not None:
            return bytes(self.keys[16 * slot:16 * slot + n])
        if self._kf is None:
            self._kf = open(self.key_file, "rb")
        self._kf.seek(16 * slot)
        buf = self._kbuf if n == 16 else self._kbuf8
        self._kf.readinto(buf)
        return buf

    def kind(self, slot):
        return KINDS[self.kinds[slot]]

    def scale(self, slot):
        return SCALES[self.scales[slot]]

    def driver(self, slot):
        ix = self.driver_ix[slot]
        return self.driver_names[ix - 1] if ix else None

    def kind_index(self, slot):
        return self.kinds[slot]

    def factor(self, slot):
        """The one multiplier this meter's readings get (meterrecord.coding.factor)."""
        return factor_of(self.factors_used(slot))

    def multiplier(self, slot):
        """A water or heat meter's multiplier."""
        return self.mult[slot] / MULT_STEP

    def factors_used(self, slot):
        """What the record names as the factors applied (for audit on the host)."""
        if self.kinds[slot] == _HCA:
            return named_factors("hca", self.scale(slot), self.kq[slot] / KQ_STEP,
                                 self.kc[slot] / KQ_STEP, self.red[slot] / RED_STEP, 1)
        return named_factors(self.kind(slot), "", 1, 1, 0, _r(self.multiplier(slot)))

    def packed_factors(self, slot):
        """The factors as a compact record carries them (meterrecord.coding.pack_factors)."""
        if self.kinds[slot] == _HCA:
            return pack_factors(_HCA, self.scales[slot], self.kq[slot], self.kc[slot],
                                self.red[slot], 0)
        return pack_factors(self.kinds[slot], 0, 0, 0, 0, self.mult[slot])

    def apply(self, slot, values):
        """Coded values for one decoded reading: its current and set-date readings (the
        driver's billing contract, wmbus/billing.py) times the meter's factor. Returns a new
        dict {field: coded value}."""
        global _billing
        if _billing is None:        # wmbus.billing, imported once when first needed
            from wmbus import billing
            _billing = billing
        kind = self.kinds[slot]
        # the readings the driver's billing contract names (current, set-date), in the unit
        # of this kind
        c = _billing.of(values, _UNITS[kind])
        k = _r(self.factor(slot))
        coded = {}
        if c is not None:
            for j in (0, 1):
                name = c[j]
                v = values.get(name) if name is not None else None
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    coded[name] = round(v * k, 4)
        return coded

    def describe(self, slot):
        """Apartment and room of a coded meter, read from the coding file on flash."""
        want = "%08x" % self.meter_id(slot)
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
    # products of fixed-point factors in binary floats: round to 6 significant digits so
    # 1.25 x 0.8 stays 1.0
    return float("%.6g" % x)
