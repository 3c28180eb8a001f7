"""Relay (REL) heat cost allocator on wired M-Bus (relhca): standard OMS records; units now
and at the set date, the set date and the next one (storage 1, VIFE "future value")."""
from ..driver import Driver, F
from ._library import use

FUTURE_VALUE = 0x7E

DRIVER = Driver(
    "relhca", "HeatCostAllocationMeter", "other",
    detect=(("REL", 0x41, 0x00),),
    fields=use("consumption_hca", "target_hca", "meter_datetime", "target_date") + (
        F("next_target_date", "Date", storage=1, comb=FUTURE_VALUE),
    ),
    billing=("consumption_hca", "target_hca", "target_date"),
)
