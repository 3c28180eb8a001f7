"""BMeters Hydroclima RFM heat cost allocator, second naming (hydroclimav2): standard records
(units now, at the set date) and the manufacturer record (see _hydroclima.py): error flags,
temperatures, the long layout's four set-date values and the total."""
from ..driver import Driver, F
from . import _hydroclima as hc


def _decode(t, rec, out):
    r = hc.record(rec)
    if r is None:
        return
    d, o, n = r
    flags = hc.u16(d, o + 1)
    out["status"] = "ERROR_FLAGS_%X" % flags if flags else "OK"
    hc.temperatures(d, o, n, out)
    if d[o] == 0x11 and n >= 47:
        for k in range(4):
            out["consumption_at_set_date_%d_hca" % (k + 1)] = hc.u16(d, o + 21 + 2 * k)
        out["total_consumption_hca"] = hc.u16(d, o + 44)
    elif n >= 21:
        out["total_consumption_hca"] = hc.u16(d, o + 19)


DRIVER = Driver(
    "hydroclimav2", "HeatCostAllocationMeter", "heat cost allocation",
    detect=(("BMP", 0x85, 0x08),),   # version 0x53 is hydroclima's: chosen by name
    fields=(
        F("consumption_hca", "HeatCostAllocation"),
        F("target_date", "Date", storage=1),
        F("target_hca", "HeatCostAllocation", storage=1),
    ),
    decode=_decode,
    billing=('consumption_hca', 'target_hca', 'target_date'),
)
