"""BMeters Hydroclima RFM heat cost allocator (hydroclima): units now plus the temperatures
of its manufacturer record (see _hydroclima.py)."""
from ..driver import Driver, F
from . import _hydroclima as hc


def _decode(t, rec, out):
    r = hc.record(rec)
    if r is not None:
        hc.temperatures(r[0], r[1], r[2], out)


DRIVER = Driver(
    "hydroclima", "HeatCostAllocationMeter", "heat cost allocation",
    # version 0x33: the allocator of wmbusmeters' second published hydroclima telegram
    detect=(("BMP", 0x53, 0x08), ("BMP", 0x33, 0x08)),
    fields=(F("current_consumption_hca", "HeatCostAllocation"),),
    decode=_decode,
)
