"""What a meter driver declares: its name, detection, media and fields, in one place.

    DRIVER = Driver("qcaloric", "HeatCostAllocationMeter", "heat cost allocation",
                    detect=(("QDS", 0x35, 0x08),),
                    fields=(F("current_consumption_hca", "HeatCostAllocation"),
                            F("set_date", "Date", storage=1), ...))

A field matches the first data record with its quantity (vif.py names), function field
(mtype: 0 instantaneous, 1 maximum, 2 minimum, 3 value during error, -1 any), storage
number, tariff, subunit and first combinable VIFE (comb: -1 none, -2 any, else the VIFE).
A field whose storage/tariff is a (first, last) range gives one value per matching record,
its name formatted with {storage}, {tariff}, {subunit} and {n} = storage + offset.
The unit is the name's suffix (`total_m3` -> m³, `operating_time_h` -> hours) unless given.
`status=` declares the "status" field (the TPL status byte, a maker's error-flags record:
see Status); `report_unknown=True` lists the records no field takes in unknown_records
(drivers/_unknown.py). `decode(t, rec, out)` is an optional hook for what only code can
say (manufacturer-specific bytes, derived dates); it runs after the fields and the status.
"""
from . import vif as _vif
from .billing import BILLING_DEFAULTS
from .dv import C1, CODE, LEN, MTYPE, NCOMB, OFF, STORE, SUBUNIT, TARIFF, W

import sys

_MICRO = sys.implementation.name == "micropython"
ANY = -1
ANY_COMB = -2
KEEP = "keep"
# function field of a record (EN 13757-3 DIF bits 4-5)
INSTANT = 0
MAXIMUM = 1
MINIMUM = 2
AT_ERROR = 3
NO_COMB = -1                # no combinable VIFE
# combinable VIFEs (EN 13757-3 table 15) drivers match
FORWARD_FLOW = 0x3B
BACKWARD_FLOW = 0x3C
# normalised codes (vif.py) without a quantity of their own
MFCT_DATA = 0x3FF           # DIF 0x0F/0x1F: manufacturer-specific data to the end
MFCT_VIF = 0x37F            # VIF 0x7F/0xFF: manufacturer-specific record
# normalised codes (vif.py) of standard records that drivers' own code reads
VIF_DATE = 0x6C             # date (type G)
VIF_HCA = 0x6E              # heat cost allocation units
VIF_ACCESS_NUMBER = 0x108   # VIF FD 08
VIF_ERROR_FLAGS = 0x117     # VIF FD 17: error flags (binary), the makers name the bits


_BINARY = (1, 2, 3, 4, 6, 7)    # DIF data fields of binary integers


class F:
    # the defaults are class attributes: an instance holds only what its declaration sets
    # (on MicroPython every instance attribute is a dict entry: a driver's fields then
    # cost a few hundred bytes of the collector's heap, not a few kB)
    mtype = 0
    storage = 0
    tariff = 0
    subunit = 0
    comb = -1
    factor = 1
    kind = "number"
    index = 1
    offset = 0
    invalid = KEEP
    multi = False
    names = None

    def __init__(self, name, quantity, storage=0, tariff=0, subunit=0, mtype=0, comb=-1,
                 unit=None, kind=None, index=1, offset=0, invalid=KEEP, scale=1):
        self.name = name
        # a quantity name (vif.py), or one exact VIF code where a maker uses two codes of
        # the same quantity for different things
        self.ranges = ((quantity, quantity),) if isinstance(quantity, int) else \
            _vif.ranges(quantity)
        if mtype:
            self.mtype = mtype
        if storage != 0:
            self.storage = storage
        if tariff != 0:
            self.tariff = tariff
        if subunit != 0:
            self.subunit = subunit
        if comb != -1:
            self.comb = comb
        if unit is None:
            unit = name.rsplit("_", 1)[-1] if "_" in name else ""
            if unit not in _vif.UNIT:
                unit = ""
        factor = _vif.UNIT[unit] * scale
        if factor != 1:
            self.factor = factor
        if kind is None:
            kind = "date" if quantity in ("Date", "DateTime", 0x6C, 0x6D) else "number"
        if kind != "number":
            self.kind = kind        # number | unsigned | date | text | hex | readable | raw
        if index != 1:
            self.index = index
        if offset:
            self.offset = offset
        if invalid != KEEP:
            self.invalid = invalid  # date output for the all-ones "no date" pattern
        if isinstance(storage, tuple) or isinstance(tariff, tuple):
            self.multi = True
            self.names = {}         # formatted names of a multi field, by storage/tariff

    def value(self, rec, i):
        k = self.kind
        if k == "number":
            v = rec.value(i)
            if v is None:
                return None
            f = self.factor
            if f != 1:
                v = v * f
            # printed to 6 decimals, as wmbusmeters does, so readings compare value by value
            return round(v, 6) if isinstance(v, float) else v
        if k == "unsigned":                 # a binary number the maker sends unsigned
            v = rec.raw(i)
            if isinstance(v, int) and v < 0 and rec.dtype(i) in _BINARY:
                v += 1 << (8 * rec.length(i))
            return None if v is None else _vif.scale(rec.a[i * W + CODE], v) * self.factor
        if k == "date":
            d = rec.date(i)
            if self.invalid != KEEP and d is not None and _no_date(rec, i):
                return self.invalid
            return d
        if k == "text":
            return rec.text(i)
        if k == "hex":
            return rec.hexstr(i)
        if k == "readable":
            return rec.readable(i)
        return rec.raw(i)

    def matches(self, rec):
        """(record index, output name) of the records this field takes, in order."""
        st = self.storage
        ta = self.tariff
        if not self.multi:
            start = 0
            i = -1
            for _ in range(self.index):
                for lo, hi in self.ranges:
                    i = rec.find(lo, hi, self.mtype, st, ta, self.subunit, self.comb, start)
                    if i >= 0:
                        break
                if i < 0:
                    return
                start = i + 1
            yield i, self.name
            return
        s_lo, s_hi = st if isinstance(st, tuple) else (st, st)
        t_lo, t_hi = ta if isinstance(ta, tuple) else (ta, ta)
        a = rec.a
        for lo, hi in self.ranges:
            start = 0
            while True:
                i = rec.find(lo, hi, self.mtype, -1, -1, self.subunit, self.comb, start)
                if i < 0:
                    break
                start = i + 1
                s = a[i * W + STORE]
                t = a[i * W + TARIFF]
                if s_lo <= s <= s_hi and t_lo <= t <= t_hi:
                    yield i, self.name.format(storage=s, tariff=t, subunit=a[i * W + SUBUNIT],
                                              n=s + self.offset)

    def fill(self, rec, out):
        for i, name in self.matches(rec):
            if name not in out:
                out[name] = self.value(rec, i)


def _no_date(rec, i):
    b = i * W
    off = rec.a[b + OFF]
    d = rec.data
    for k in range(rec.a[b + LEN]):
        if d[off + k] != 0xFF:
            return False
    return True


class Driver:
    """One meter type. See the module docstring."""

    def __init__(self, name, meter_type, media, detect=(), fields=(), aliases=(),
                 decode=None, media_from_type=True, records=True, formats=(), compact=None,
                 media_map=None, status=None, billing=None, report_unknown=False,
                 hook_reads=(), renames=None):
        self.name = name
        # the billing-value contract (billing.py): (current reading, set-date reading,
        # set date[, unit]) field names; default: the general rule of the meter type
        if billing is None:
            for c in BILLING_DEFAULTS:
                if c[4] == meter_type:
                    billing = c[:4]
        elif len(billing) == 3:
            named = billing[0] or billing[1] or ""
            billing = tuple(billing) + (named.rsplit("_", 1)[-1],)
        self.billing = billing
        # "status": None (the driver's hook sets it, or none), True (the TPL status byte
        # only) or a Status (an error-flags record's bits and the TPL status byte)
        self.status = status
        # unknown_records: the records none of the fields, the status record or the hook's
        # own records (hook_reads: F declarations of what the hook reads) takes
        self.report_unknown = report_unknown
        self.hook_reads = hook_reads
        # the driver this one only renames (the same telegrams and values under the names
        # of another wmbusmeters driver): where both declare a header, auto-detection takes
        # that one; a meter coded with this driver gets this one
        self.renames = renames
        self.meter_type = meter_type
        self.media = media
        self.detect = detect
        self.fields = fields
        self.aliases = aliases
        self.hook = decode
        self.media_from_type = media_from_type
        self.media_map = media_map  # {device type: media} where the maker differs from OMS
        self.records = records      # False: the payload is not DIF/VIF records (hook only)
        self.formats = formats      # DIF/VIF byte strings of compact frames (CI 0x79)
        # learn compact-frame formats from this meter type's full frames
        self.compact = bool(formats) if compact is None else compact
        self._fmt = None
        self._index = None
        self._scan = ()
        self._plans = None          # CPython: record layout -> fill plan (_cpython.py)

    def format_for(self, signature):
        """DIF/VIF bytes of a compact-frame format this meter type is known to send."""
        if self._fmt is None:
            from .crc import crc16
            self._fmt = {}
            for hx in self.formats:
                b = bytes(int(hx[i:i + 2], 16) for i in range(0, len(hx), 2))
                self._fmt[crc16(b)] = b
        return self._fmt.get(signature)

    def _prepare(self):
        """Index the fields by (VIF code, function field) so that filling is one dict lookup
        per record; fields with wildcards or an n-th match are scanned instead."""
        index, scan = {}, []
        for f in self.fields:
            if f.index != 1 or f.mtype < 0:
                scan.append(f)
                continue
            for lo, hi in f.ranges:
                for code in range(lo, hi + 1):
                    index.setdefault(code | f.mtype << 10, []).append(f)
        # tuples, one per distinct set of fields (a quantity's codes share one)
        shared = {}
        for k in index:
            v = tuple(index[k])
            index[k] = shared.setdefault(v, v)
        self._index = index
        self._scan = tuple(scan)

    def fill(self, t, rec, out):
        if self._index is None:
            self._prepare()
        self._fill_records(rec, out)
        self.finish(t, rec, out)

    def finish(self, t, rec, out):
        """What follows the fields: the status, the hook, the unknown records."""
        if self.status is not None:
            self._fill_status(t, rec, out)
        if self.hook is not None:
            self.hook(t, rec, out)
        if self.report_unknown:
            self._report_unknown(rec, out)

    def _report_unknown(self, rec, out):
        from .drivers import _unknown
        s = self.status
        known = () if s is None or s is True else s.codes()
        _unknown.report(self.fields + self.hook_reads, rec, out, known)

    def records_taken(self, rec):
        """How many of the parsed records this driver's declaration takes (its fields, its
        status record, the records its hook reads): how well it fits a telegram."""
        from .drivers._unknown import taken
        a = rec.a
        fields = self.fields + self.hook_reads
        s = self.status
        codes = () if s is None or s is True else s.codes()
        n = 0
        for i in range(rec.n):
            b = i * W
            if a[b + CODE] in codes or taken(fields, a, b):
                n += 1
        return n

    def status_text(self, t, rec):
        return status_of(self.status, t, rec)

    def _fill_status(self, t, rec, out):
        s = self.status
        if s is True:                   # the TPL status byte only (most telegrams: "OK")
            sts = t.tpl_status
            out["status"] = "OK" if not sts else status_text(tpl_status_names(sts))
            return
        s.fill(t, rec, out)

    def _fill_records(self, rec, out):
        get = self._index.get
        a = rec.a
        # the record-slot offsets as locals: on MicroPython imported names are global
        # lookups, locals are registers (this loop runs for every record of every telegram)
        # (one name a line: a tuple assignment would allocate a tuple on MicroPython)
        w = W
        code = CODE
        mt = MTYPE
        nc = NCOMB
        c1 = C1
        su = SUBUNIT
        sto = STORE
        tar = TARIFF
        for i in range(rec.n):
            b = i * w
            fl = get(a[b + code] | a[b + mt] << 10)
            if fl is None:
                continue
            for f in fl:
                c = f.comb
                if c == -1:
                    if a[b + nc]:
                        continue
                elif c != -2 and a[b + c1] != c:
                    continue
                if f.subunit >= 0 and a[b + su] != f.subunit:
                    continue
                if f.multi:
                    s, ta = f.storage, f.tariff
                    st, tt = a[b + sto], a[b + tar]
                    if isinstance(s, tuple):
                        if st < s[0] or st > s[1]:
                            continue
                    elif s >= 0 and st != s:
                        continue
                    if isinstance(ta, tuple):
                        if tt < ta[0] or tt > ta[1]:
                            continue
                    elif ta >= 0 and tt != ta:
                        continue
                    nk = st | tt << 12 | a[b + su] << 20
                    name = f.names.get(nk)
                    if name is None:
                        name = f.names[nk] = f.name.format(storage=st, tariff=tt,
                                                           subunit=a[b + su], n=st + f.offset)
                else:
                    if (f.storage >= 0 and a[b + sto] != f.storage) or \
                            (f.tariff >= 0 and a[b + tar] != f.tariff):
                        continue
                    name = f.name
                if name not in out:
                    out[name] = f.value(rec, i) if type(out) is dict else (i, f)
        for f in self._scan:
            for i, name in f.matches(rec):
                if name not in out:
                    out[name] = f.value(rec, i) if type(out) is dict else (i, f)


if not _MICRO:
    # CPython: the same matching, planned once per record layout and replayed (faster);
    # kept in its own module so the collector (MicroPython) never loads it
    from ._cpython import fill_planned as _fill_planned
    Driver.fill = _fill_planned


# -- helpers drivers share -----------------------------------------------------------------
def le_uint(d, o, n):
    """Unsigned little-endian integer of the n bytes d[o:o+n] (manufacturer payloads)."""
    v = 0
    for i in range(o + n - 1, o - 1, -1):
        v = v << 8 | d[i]
    return v


TPL_STATUS_BITS = ((0x04, "POWER_LOW"), (0x08, "PERMANENT_ERROR"), (0x10, "TEMPORARY_ERROR"))
TPL_APP_STATUS = (None, "BUSY", "ERROR", "ALARM")


def tpl_status_names(sts, mfct=()):
    """Names of the bits of the TPL status byte: bits 0-1 the application status, bits 2-4
    by EN 13757-7 table 9, the manufacturer bits 5-7 by the driver's ((mask, name), ...)
    (which may also rename a bit of 2-4 where the maker redefines it), else UNKNOWN_xx."""
    names = []
    a = TPL_APP_STATUS[sts & 3]
    if a:
        names.append(a)
    rest = sts & 0xFC
    for mask, name in mfct:
        if sts & mask == mask:
            names.append(name)
            rest &= ~mask
    for bit, name in TPL_STATUS_BITS:
        if rest & bit:
            names.append(name)
            rest &= ~bit
    if rest:                    # manufacturer-specific bits the driver did not name
        names.append("UNKNOWN_%02X" % rest)
    return names


def flag_names(value, table):
    """Names of the bits set in value, from ((mask, name), ...); unknown bits as hex."""
    names = []
    rest = value
    for mask, name in table:
        if value & mask == mask and mask:
            names.append(name)
            rest &= ~mask
    if rest:
        names.append("UNKNOWN_%X" % rest)
    return names


class Status:
    """A driver's "status" field as its maker defines it: the bits of one record (by default
    the error flags, VIF FD 17, instantaneous, at storage 0) named from `table`
    ((mask, name), ...: in order, a name is given when any of its bits is set and takes
    them; bits left as `<prefix>_<hex>`; only bits within `mask` count), together with the
    standard bits of the TPL status byte (and `tpl_mfct`, the maker's names for its bits).
    No bit set: "OK".

    quantity: the record's quantity name or one VIF code; None: the TPL status byte only.
    mtype, storage, comb: the record's function field, storage number, first VIFE.
    tpl=False: the record alone (no TPL bits); no record then: `default` (None: no field).
    flags_field: also print the record's names alone under this name (`flags_ok` when no
    bit is set), as makers that publish an "error_flags" field beside the status;
    also_field: the status text under a second (older) name as well."""

    def __init__(self, table=(), mask=0xFFFFFFFF, quantity="ErrorFlags", prefix="ERROR_FLAGS",
                 tpl=True, tpl_mfct=(), comb=-1, field="status", storage=0, mtype=INSTANT,
                 flags_field=None, flags_ok="OK", default=None, also_field=None):
        self.field = field          # the output name ("current_status" for some makers)
        self.table = table
        self.mask = mask
        self.ranges = () if quantity is None else ((quantity, quantity),) \
            if isinstance(quantity, int) else _vif.ranges(quantity)
        self.prefix = prefix
        self.tpl = tpl
        self.tpl_mfct = tpl_mfct
        self.comb = comb
        self.storage = storage
        self.mtype = mtype
        self.flags_field = flags_field
        self.flags_ok = flags_ok
        self.default = default
        self.also_field = also_field

    def codes(self):
        """The VIF codes of the status record (known to the unknown-records report)."""
        return tuple(c for lo, hi in self.ranges for c in range(lo, hi + 1))

    def record_names(self, rec, into=None):
        """Append the names of the bits set in the status record to `into` (a new list when
        None) and return it; None when the record is absent."""
        for lo, hi in self.ranges:
            i = rec.find(lo, hi, self.mtype, self.storage, 0, 0, self.comb)
            if i >= 0:
                names = [] if into is None else into
                v = rec.raw(i)
                if isinstance(v, int):
                    v &= self.mask
                    for mask, name in self.table:      # in order; a name takes its bits
                        if v & mask:
                            names.append(name)
                            v &= ~mask
                    if v:
                        names.append("%s_%X" % (self.prefix, v))
                return names
        return None

    def names(self, t, rec):
        """The names of the bits set, or None when neither the record nor (tpl=False) the
        TPL status byte is there to read."""
        if not self.tpl:
            return self.record_names(rec)
        names = tpl_status_names(t.tpl_status, self.tpl_mfct)
        self.record_names(rec, names)
        return names

    def fill(self, t, rec, out):
        names = tpl_status_names(t.tpl_status, self.tpl_mfct) if self.tpl else None
        start = 0 if names is None else len(names)
        found = self.record_names(rec, names)       # the record's names appended to names
        if names is None:
            names = found
        text = self.default if names is None else status_text(names)
        if text is not None:
            out[self.field] = text
            if self.also_field is not None:
                out[self.also_field] = text
        if found is not None and self.flags_field is not None:
            flags = names[start:]
            out[self.flags_field] = status_text(flags) if flags else self.flags_ok


def status_of(status, t, rec):
    """The "status" text of a driver's `status` option (True: TPL status byte only)."""
    if status is True:
        return status_text(tpl_status_names(t.tpl_status))
    names = status.names(t, rec)
    return None if names is None else status_text(names)


def status_text(names):
    """wmbusmeters' status string: "OK" when nothing is set, else the names sorted and joined
    by spaces."""
    if not names:
        return "OK"
    names = sorted(names)
    return " ".join(names)
