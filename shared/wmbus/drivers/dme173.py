"""Diehl water meter dme173: standard OMS records. The end of the last billing period is at
storage 8 (target date-time and volume), an earlier set date at storage 1; status from the
error flags (32 bits, no names published) and the TPL status byte (as wmbusmeters' dme173
driver reads them)."""
from ..driver import Driver, F, Status
from ._library import use

DRIVER = Driver(
    "dme173", "WaterMeter", "water",
    detect=(("DME", 0x63, 0x07),),
    fields=use("total_m3", "flow_temperature_c", "total_backward_m3") + (
        F("target_m3", "Volume", storage=8),
        F("target_datetime", "DateTime", storage=8),
        F("total_at_set_date_m3", "Volume", storage=1),
        F("set_date", "Date", storage=1, invalid=None),
    ),
    status=Status(),
    billing=("total_m3", "total_at_set_date_m3", "set_date"),
)
