"""Brunata water meter (DWZ, version 0x01, device type 0x06 warm water): standard OMS
records. Volume at storage 0 is the meter reading, volume and date at storage 1 the
set-date (billing) reading and its date, the date at storage 0 the meter's date."""
from ..driver import Driver, F, error_flag_names, status_text, tpl_status_names
from . import _unknown

_FIELDS = (
    F("total_m3", "Volume"),
    F("target_m3", "Volume", storage=1),
    F("target_date", "Date", storage=1),
    F("meter_date", "Date"),
    F("meter_datetime", "DateTime"),
)


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status) + error_flag_names(rec, ()))
    _unknown.report(_FIELDS, rec, out, known_codes=(0x117,))


DRIVER = Driver(
    "brunatawm", "WaterMeter", "warm water",
    detect=(("DWZ", 0x01, 0x06), ("DWZ", 0x01, 0x07)),
    fields=_FIELDS,
    decode=_decode,
)
