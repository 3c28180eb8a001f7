"""Diehl heat cost allocator (DME, versions 0x80 and 0x81) in OMS mode: standard records.
HCA units at storage 0 are the current reading, at storage 1 the reading at the set
(billing) date, whose date is the date record at storage 1. No published telegram: the
fields follow EN 13757-3's storage meaning, as wmbusmeters' dmehca description does."""
from ..driver import Driver, F, Status

_FIELDS = (
    F("current_hca", "HeatCostAllocation"),
    F("previous_hca", "HeatCostAllocation", storage=1),
    F("set_date", "Date", storage=1),
    F("device_date", "Date"),
    F("device_datetime", "DateTime"),
)


DRIVER = Driver(
    "dmehca", "HeatCostAllocationMeter", "heat cost allocation",
    detect=(("DME", 0x80, 0x08), ("DME", 0x81, 0x08)),
    fields=_FIELDS,
    status=Status(),         # TPL status and error flags (no bit names published)
    report_unknown=True,
)
