"""Metrona heat cost allocator (MWU, version 0x02): standard OMS records. HCA units at
storage 0 are the current reading, HCA units and date at storage 1 the set-date (billing)
reading and its date, the date at storage 0 the meter's date."""
from ..driver import Driver, F, Status

_FIELDS = (
    F("consumption_hca", "HeatCostAllocation"),
    F("target_hca", "HeatCostAllocation", storage=1),
    F("target_date", "Date", storage=1),
    F("meter_date", "Date"),
    F("meter_datetime", "DateTime"),
)


DRIVER = Driver(
    "metronahca", "HeatCostAllocationMeter", "heat cost allocation",
    detect=(("MWU", 0x02, 0x08),),
    fields=_FIELDS,
    status=Status(),         # TPL status and error flags (no bit names published)
    report_unknown=True,
)
