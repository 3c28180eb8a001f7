"""Sontex 868 heat cost allocator (sontex868): standard OMS records; units now and at the
set date (storage 1), radiator (flow) and room (external) temperature, the maximum radiator
temperature of this period (function maximum) and of the previous one (maximum, storage
1), the clock (names as wmbusmeters' sontex868 driver gives them)."""
from ..driver import MAXIMUM, Driver, F

DRIVER = Driver(
    "sontex868", "HeatCostAllocationMeter", "heat cost allocation",
    detect=(("SON", 0x16, 0x08),),
    fields=(
        F("current_consumption_hca", "HeatCostAllocation"),
        F("set_date", "Date", storage=1),
        F("consumption_at_set_date_hca", "HeatCostAllocation", storage=1),
        F("current_temp_c", "FlowTemperature"),
        F("current_room_temp_c", "ExternalTemperature"),
        F("max_temp_c", "FlowTemperature", mtype=MAXIMUM),
        F("max_temp_previous_period_c", "FlowTemperature", mtype=MAXIMUM, storage=1),
        F("device_datetime", "DateTime"),
    ),
)
