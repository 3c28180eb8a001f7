"""Techem FHKV data IV heat cost allocator (OMS telegram): units now, at the set date, and a
monthly compact profile (storage 8: the base date the meter stores, then 14 monthly values;
value k is k months after the base date, mbdate.add_months)."""
from .. import mbdate
from ..driver import ANY_COMB, INSTANT, VIF_DATE, VIF_HCA, Driver, F, Status
from . import _profile

PROFILE_STORAGE = 8


def _decode(t, rec, out):
    i = rec.find(VIF_HCA, VIF_HCA, INSTANT, PROFILE_STORAGE, 0, 0, ANY_COMB)
    while i >= 0 and rec.ncomb(i) == 0:                 # the profile has a VIFE
        i = rec.find(VIF_HCA, VIF_HCA, INSTANT, PROFILE_STORAGE, 0, 0, ANY_COMB, i + 1)
    j = rec.find(VIF_DATE, VIF_DATE, INSTANT, PROFILE_STORAGE, 0, 0)
    if i < 0 or j < 0:
        return
    prof = _profile.elements(rec, i)
    base = rec.date(j)
    if prof is None or base is None:
        return
    y, m, d = int(base[0:4]), int(base[5:7]), int(base[8:10])
    if not 1 <= m <= 12 or not 1 <= d <= mbdate.days_in_month(y, m):
        return
    for k, v in enumerate(prof[2]):
        out["consumption_at_set_date_%d_hca" % (k + 1)] = v
        out["consumption_at_set_date_%d" % (k + 1)] = mbdate.add_months(y, m, d, k + 1)


DRIVER = Driver(
    "fhkvdataiv", "HeatCostAllocationMeter", "heat cost allocation",
    detect=(("TCH", 0x69, 0x08), ("TCH", 0x94, 0x08)),
    fields=(
        F("current_consumption_hca", "HeatCostAllocation"),
        F("set_date", "Date", storage=1),
        F("consumption_at_set_date_hca", "HeatCostAllocation", storage=1),
        F("set_date_8", "Date", storage=8),
    ),
    decode=_decode,
    status=Status(),
)
