"""Zenner Caloric / Caltos E heat cost allocator (caltose): units now, at the last month end
(storage 1) and at the base date (storage 8), and a compact profile (VIFE 0x13) of monthly
values: spacing control (BCD element size), spacing, then BCD values, newest first, one a
month back from the base date; all-ones elements end it."""
from ..driver import Driver, F, status_text, tpl_status_names

_MFCT = ((0x40, "MODE_2F"),)       # the TPL status bit the published telegrams name
_BCD_SIZE = {0x9: 1, 0xA: 2, 0xB: 3, 0xC: 4}


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status, _MFCT))
    i = rec.find(0x6E, 0x6E, 0, 8, 0, 0, 0x13)
    base = out.get("base_date")
    if i < 0 or not base:
        return
    d = rec.data
    o = rec.a[i * 11 + 6]
    n = rec.a[i * 11 + 7]
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
        mm = m - 1 - k
        out["consumption_%d_hca" % k] = v
        out["consumption_%d" % k] = "%04d-%02d-%02d" % (y + mm // 12, mm % 12 + 1, day)
        p += size


DRIVER = Driver(
    "caltose", "HeatCostAllocationMeter", "heat cost allocation",
    detect=(("ZRI", 0xFC, 0x08),),
    fields=(
        F("base_date", "Date", storage=8),
        F("base_hca", "HeatCostAllocation", storage=8),
        F("consumption_hca", "HeatCostAllocation"),
        F("target_date", "Date", storage=1),
        F("target_hca", "HeatCostAllocation", storage=1),
    ),
    decode=_decode,
    billing=('consumption_hca', 'target_hca', 'target_date'),
)
