"""Kaden/Ecomess heat cost allocator (kaden): standard OMS records (units now and at the
set date, room and radiator temperature, clock), the hours without measurement this and
last winter (VIF 0x75, storage 0 and 1), the time removed from the radiator (VIF 0x74)
and the error flags with the maker's names (as wmbusmeters' kaden driver lists them)."""
from ..driver import Driver, F, Status
from ._library import use

ERROR_FLAGS = ((0x0001, "VOLTAGE_INTERRUPTED"), (0x0004, "SENSOR_T2_OUTSIDE_MEASURING_RANGE"),
               (0x0008, "SENSOR_T1_OUTSIDE_MEASURING_RANGE"),
               (0x0020, "SENSOR_T3_OUTSIDE_MEASURING_RANGE"))
NO_MEASUREMENT = 0x75       # actuality duration (minutes): time without measurement
TAMPERING = 0x74            # actuality duration (seconds): time removed from the radiator

DRIVER = Driver(
    "kaden", "HeatCostAllocationMeter", "heat cost allocation",
    detect=(("VIP", 0x1E, 0x08),),
    fields=use("consumption_hca", "target_hca", "meter_datetime", "target_date",
               "fabrication_no", "external_temperature_c", "flow_temperature_c") + (
        F("no_measurement_duration_h", NO_MEASUREMENT),
        F("no_measurement_duration_last_year_h", NO_MEASUREMENT, storage=1),
        F("tampering_duration_h", TAMPERING),
    ),
    status=Status(ERROR_FLAGS, mask=0xFFFF),
    billing=("consumption_hca", "target_hca", "target_date"),
)
