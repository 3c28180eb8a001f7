"""Techem FHKV data IV heat cost allocator (OMS telegram): units now, at the set date, and a
monthly compact profile (storage 8: base date + profile of 14 monthly values)."""
from ..driver import Driver, F
from . import _profile


def _decode(t, rec, out):
    i = rec.find(0x6E, 0x6E, 0, 8, 0, 0, -2)
    j = rec.find(0x6C, 0x6C, 0, 8, 0, 0)
    while i >= 0 and rec.a[i * 11 + 10] == 0:          # the profile has a VIFE
        i = rec.find(0x6E, 0x6E, 0, 8, 0, 0, -2, i + 1)
    if i < 0 or j < 0:
        return
    prof = _profile.elements(rec, i)
    base = rec.date(j)
    if prof is None or base is None:
        return
    y, m = int(base[0:4]), int(base[5:7])
    for k, v in enumerate(prof[2]):
        out["consumption_at_set_date_%d_hca" % (k + 1)] = v
        out["consumption_at_set_date_%d" % (k + 1)] = _profile.add_months(y, m, k + 1)


DRIVER = Driver(
    "fhkvdataiv", "HeatCostAllocationMeter", "heat cost allocation",
    detect=(("TCH", 0x94, 0x08),),
    fields=(
        F("current_consumption_hca", "HeatCostAllocation"),
        F("set_date", "Date", storage=1),
        F("consumption_at_set_date_hca", "HeatCostAllocation", storage=1),
        F("set_date_8", "Date", storage=8),
    ),
    decode=_decode,
    status=True,
)
