"""Generic OMS heat cost allocator (hedeudgiftsfordeler) for brands without a driver of
their own: HCA units now, at the set (billing) date, and the device clock."""
from ..driver import Driver, F


DRIVER = Driver(
    "oms-hca", "HeatCostAllocationMeter", "heat cost allocation",
    fields=(
        F("current_consumption_hca", "HeatCostAllocation"),
        F("set_date", "Date", storage=1, invalid=None),     # all ones: no set date
        F("consumption_at_set_date_hca", "HeatCostAllocation", storage=1),
        F("device_datetime", "DateTime"),
        F("temp_room_c", "ExternalTemperature"),
        F("temp_radiator_c", "FlowTemperature"),
    ),
    status=True,                # the TPL status byte (error flags: the makers name them)
)
