"""Maddalena water meter (maddalena): standard OMS records; status from the error flags and
the TPL status byte (as wmbusmeters' maddalena driver reads them)."""
from ..driver import Driver, Status
from ._library import use

DRIVER = Driver(
    "maddalena", "WaterMeter", "water",
    detect=(("MAD", 0x01, 0x07), ("MAD", 0x01, 0x06)),
    fields=use("fabrication_no", "meter_datetime", "target_m3", "target_date", "total_m3"),
    status=Status(mask=0xFFFF),
)
