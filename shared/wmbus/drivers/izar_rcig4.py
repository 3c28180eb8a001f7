"""Diehl IZAR RC i G4 / G5 / IW G4 radio modules on water meters (DME 68, 7b, 7c, 7e; SPL 80)
in OMS mode: standard records. Volume at storage 0 is the meter reading, storage 1 the
set-date (billing) reading with its date; error flags (VIF FD 17) give the status (the
maker names no bits: a set bit is shown as ERROR_FLAGS_<hex>)."""
from ..driver import Driver, F, Status

_FIELDS = (
    F("total_m3", "Volume"),
    F("target_m3", "Volume", storage=1),
    F("target_date", "Date", storage=1),
    F("meter_datetime", "DateTime"),
)


DRIVER = Driver(
    "izar_rcig4", "WaterMeter", "water",
    aliases=("izar_rzig4",),
    detect=(("DME", 0x68, 0x07), ("DME", 0x7B, 0x07), ("DME", 0x7C, 0x07), ("DME", 0x7E, 0x07),
            ("SPL", 0x80, 0x07)),
    fields=_FIELDS,
    status=Status(tpl=False, default="OK"),   # error flags alone (no TPL status)
    report_unknown=True,
)
