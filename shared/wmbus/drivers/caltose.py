"""Zenner Caloric / Caltos E heat cost allocator (caltose): units now, at the last month end
(storage 1) and at the base date (storage 8), and a compact profile (VIFE 0x13) of monthly
values: spacing control (BCD element size), spacing, then BCD values, newest first, one a
month back from the base date (mbdate.add_months); all-ones elements end it. Status: the
TPL status byte with Zenner's names for its bits 5-7 (Caltos E / D1605 specification as
wmbusmeters' caltose driver cites it)."""
from .. import mbdate
from ..driver import INSTANT, VIF_HCA, Driver, F, Status

_MFCT = ((0x20, "REMOVAL"), (0x40, "MODE_2F"), (0x80, "PRODUCT_SCALE"))
_BCD_SIZE = {0x9: 1, 0xA: 2, 0xB: 3, 0xC: 4}
PROFILE = 0x13              # the combinable VIFE of the compact-profile record
BASE_STORAGE = 8


def _decode(t, rec, out):
    i = rec.find(VIF_HCA, VIF_HCA, INSTANT, BASE_STORAGE, 0, 0, PROFILE)
    base = out.get("base_date")
    if i < 0 or not base:
        return
    d = rec.data
    o = rec.offset(i)
    n = rec.length(i)
    size = _BCD_SIZE.get(d[o] & 0x0F)
    if not size:
        return
    y, m, day = int(base[0:4]), int(base[5:7]), int(base[8:10])
    k = 0
    p = o + 2
    while p + size <= o + n:
        if d[p] == 0xFF:
            break
        v = 0
        for j in range(size - 1, -1, -1):
            v = v * 100 + (d[p + j] >> 4) * 10 + (d[p + j] & 0x0F)
        k += 1
        out["consumption_%d_hca" % k] = v
        out["consumption_%d" % k] = mbdate.add_months(y, m, day, -k)
        p += size


DRIVER = Driver(
    "caltose", "HeatCostAllocationMeter", "heat cost allocation",
    aliases=("zennerhca",),
    detect=(("ZRI", 0xFC, 0x08),),
    fields=(
        F("base_date", "Date", storage=8),
        F("base_hca", "HeatCostAllocation", storage=8),
        F("consumption_hca", "HeatCostAllocation"),
        F("target_date", "Date", storage=1),
        F("target_hca", "HeatCostAllocation", storage=1),
    ),
    status=Status(quantity=None, tpl_mfct=_MFCT),
    decode=_decode,
    billing=('consumption_hca', 'target_hca', 'target_date'),
)
