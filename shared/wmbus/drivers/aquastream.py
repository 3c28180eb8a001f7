"""IMT Aquastream water meter (aquastream): standard OMS records, the volume register of
tariff 1 (wmbusmeters prints it as total_backwards_m3), remaining battery (FD 74, in days,
printed in years of 365 days) and the error flags with the maker's names (as wmbusmeters'
aquastream driver lists them)."""
from ..driver import Driver, F, Status
from ._library import use

ERROR_FLAGS = ((0x04, "LOW_BATTERY"), (0x10, "TEMPORARY_ALARM"), (0x20, "LEAKAGE"),
               (0x30, "BURST"))

DRIVER = Driver(
    "aquastream", "WaterMeter", "water",
    detect=(("IMT", 0x01, 0x07),),
    fields=use("total_m3", "meter_datetime", "target_m3", "target_date") + (
        F("total_backwards_m3", "Volume", tariff=1),
        F("battery_y", "RemainingBattery", unit="d", scale=1 / 365),
    ),
    status=Status(ERROR_FLAGS, mask=0xFFFF),
)
