"""FIO water meter (FIO, version 0x01, OMS security mode 7): standard OMS records.
Volume at storage 0 is the meter reading (total_volume_m3, as wmbusmeters names it), the
date-time record the meter's clock. Other records are listed in unknown_records."""
from ..driver import Driver, F

_FIELDS = (
    F("total_volume_m3", "Volume"),
    F("meter_datetime", "DateTime"),
    F("fabrication_no", "FabricationNo", kind="hex"),
    F("on_time_h", "OnTime"),
    F("on_time_at_error_h", "OnTime", mtype=3),
)


DRIVER = Driver(
    "fiowater", "WaterMeter", "water",
    detect=(("FIO", 0x01, 0x07),),
    fields=_FIELDS,
    report_unknown=True,
)
