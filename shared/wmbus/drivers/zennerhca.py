"""Zenner heat cost allocator (ZRI, version 0xFC; the same telegrams as caltose, named as
wmbusmeters' zennerhca names them). Standard OMS records: HCA units at storage 0 are the
current reading, HCA units and date at storage 1 the set-date (billing) reading and its
date, storage 8 the last month's billing value and date (the profile's base).

The history is a compact profile (EN 13757-3 annex F; HCA record at storage 8 with VIFE
0x13): spacing control byte (bits 6-7 increment mode, 4-5 spacing unit, 0-3 element data
field), spacing value (0xFE: one month), then the elements, newest first; an element of
all ones ends it. Element k is the value k months before the base date (mbdate.add_months,
as caltose dates the same profile: a base on a month's last day maps to the last day of the
earlier month, another day to that day or the earlier month's last day). A profile with
another mode or spacing is reported in profile_error, not guessed. TPL status bits 5-7
are the maker's: REMOVAL, DUAL_SENSOR_MODE, PRODUCT_SCALE."""
from .. import mbdate
from ..driver import INSTANT, VIF_HCA, Driver, F, Status

_TPL_BITS = ((0x20, "REMOVAL"), (0x40, "DUAL_SENSOR_MODE"), (0x80, "PRODUCT_SCALE"))
_BCD_BYTES = {0x9: 1, 0xA: 2, 0xB: 3, 0xC: 4, 0xE: 6}
_PROFILE = 0x13         # VIFE: compact profile
_BASE_STORAGE = 8

_FIELDS = (
    F("consumption_hca", "HeatCostAllocation"),
    F("target_hca", "HeatCostAllocation", storage=1),
    F("target_date", "Date", storage=1),
    F("meter_datetime", "DateTime"),
    F("previous_billing_date", "Date", storage=8),
    F("previous_billing_consumption_hca", "HeatCostAllocation", storage=8),
)
_PROFILE_FIELD = F("profile", "HeatCostAllocation", storage=8, comb=_PROFILE, kind="raw")


def _bcd(d, p, size):
    v = 0
    for j in range(size - 1, -1, -1):
        hi, lo = d[p + j] >> 4, d[p + j] & 0x0F
        if hi > 9 or lo > 9:
            return -1
        v = v * 100 + hi * 10 + lo
    return v


def _decode(t, rec, out):
    """The compact profile (module docstring) as previous_billing_consumption_<k>."""
    i = rec.find(VIF_HCA, VIF_HCA, INSTANT, _BASE_STORAGE, 0, 0, _PROFILE)
    if i < 0:
        return
    base = out.get("previous_billing_date")
    d = rec.data
    o = rec.offset(i)
    n = rec.length(i)
    if n < 2:
        out["profile_error"] = "compact profile shorter than its header"
        return
    ctl, spacing = d[o], d[o + 1]
    size = _BCD_BYTES.get(ctl & 0x0F)
    if size is None or ctl >> 6 != 0 or spacing != 0xFE or not base:
        out["profile_error"] = ("compact profile not decoded: control 0x%02X, spacing 0x%02X"
                                % (ctl, spacing))
        return
    y, m, day = int(base[0:4]), int(base[5:7]), int(base[8:10])
    if not 1 <= m <= 12 or not 1 <= day <= mbdate.days_in_month(y, m):
        out["profile_error"] = "compact profile base date %s is not a date" % base
        return
    p = o + 2
    k = 0
    while p + size <= o + n and d[p] != 0xFF:
        v = _bcd(d, p, size)
        if v < 0:
            out["profile_error"] = "compact profile element %d is not BCD" % (k + 1)
            return
        k += 1
        out["previous_billing_consumption_%d_hca" % k] = v
        out["previous_billing_consumption_%d" % k] = mbdate.add_months(y, m, day, -k)
        p += size


DRIVER = Driver(
    "zennerhca", "HeatCostAllocationMeter", "heat cost allocation",
    renames="caltose",  # the same telegrams as caltose
    detect=(("ZRI", 0xFC, 0x08),),
    fields=_FIELDS,
    status=Status(quantity=None, tpl_mfct=_TPL_BITS),
    decode=_decode,
    report_unknown=True,
    hook_reads=(_PROFILE_FIELD,),
)
