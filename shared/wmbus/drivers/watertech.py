"""Watertech water meter (WTT, version 0x59): standard OMS records. Volume at storage 0 is
the meter reading; error flags (VIF FD 17) and the TPL status give the status (the maker
names no flag bits: a set bit is shown as ERROR_FLAGS_<hex>)."""
from ..driver import Driver, F, Status

_FIELDS = (
    F("total_m3", "Volume"),
    F("target_m3", "Volume", storage=1),
    F("target_date", "Date", storage=1),
    F("meter_datetime", "DateTime"),
    F("software_version", "SoftwareVersion", kind="text"),
)


DRIVER = Driver(
    "watertech", "WaterMeter", "water",
    detect=(("WTT", 0x59, 0x07),),
    fields=_FIELDS,
    status=Status(),         # TPL status and error flags (no bit names published)
    report_unknown=True,
)
