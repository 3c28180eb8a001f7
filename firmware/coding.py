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

KINDS = ("hca", "hot_water", "cold_water", "heat")
_UNITS = ("hca", "m3", "m3", "kwh")     # the reading unit of each kind (wmbus/billing.py)
_billing = None
SCALES = ("unit", "product")
COLUMNS = ("meter_id", "key", "apartment", "room", "kind", "scale", "kq", "kc",
           "reduction", "multiplier", "driver")
_HAS_KEY = 0x80


class CodingError(Exception):
    """A coding file row that cannot be used; the message names file, row and reason."""


class CodingTable:
    """All coded meters, looked up by meter id (the 8-digit A-field id as an int)."""

    error = None        # why the coding file could not be used (main.build), for `status`

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
        """Coded values for one decoded reading: its current and set-date readings (the
        driver's billing contract, wmbus/billing.py) times the meter's factor. Returns a new
        dict {field: coded value}."""
        global _billing
        if _billing is None:        # wmbus.billing, imported once when first needed
            from wmbus import billing
            _billing = billing
        kind = self.flags[slot] & 0x0F
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
