"""Actaris (Itron) ActisLink radio module on a water meter (ALK, version 0x04): TPL
security mode 2, DES-CBC with a 64-bit key (link.py, des.py), then standard records:
volume at storage 0 is the meter reading, at storage 1 the set-date reading."""
from ..driver import Driver, F

_FIELDS = (
    F("total_m3", "Volume"),
    F("target_m3", "Volume", storage=1),
    F("target_date", "Date", storage=1),
    F("meter_datetime", "DateTime"),
)


DRIVER = Driver(
    "actislink", "WaterMeter", "water",
    detect=(("ALK", 0x04, 0x07),),
    fields=_FIELDS,
    status=True,
    report_unknown=True,
)
