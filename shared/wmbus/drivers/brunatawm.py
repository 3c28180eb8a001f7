"""Brunata water meter (DWZ, version 0x01, device type 0x06 warm water): standard OMS
records. Volume at storage 0 is the meter reading, volume and date at storage 1 the
set-date (billing) reading and its date, the date at storage 0 the meter's date."""
from ..driver import Driver, F, Status

_FIELDS = (
    F("total_m3", "Volume"),
    F("target_m3", "Volume", storage=1),
    F("target_date", "Date", storage=1),
    F("meter_date", "Date"),
    F("meter_datetime", "DateTime"),
)


DRIVER = Driver(
    "brunatawm", "WaterMeter", "warm water",
    detect=(("DWZ", 0x01, 0x06), ("DWZ", 0x01, 0x07)),
    fields=_FIELDS,
    status=Status(),         # TPL status and error flags (no bit names published)
    report_unknown=True,
)
