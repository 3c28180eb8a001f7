"""Diehl HYDRUS R4 family of ultrasonic water meters (Diehl, Sappel, Hydrometer, DFS,
Amtron/Topas rebrands) in OMS mode: standard records. Volume at storage 0 is the meter
reading; at storage 1 the reading at the end of the year period (the set/billing date,
date record at storage 1), split by tariff 1 (reverse) and 2 (forward); at storage 3 the
reading at the end of the month period (date-time record at storage 3)."""
from ..driver import Driver, F, error_flag_names, status_text, tpl_status_names
from . import _unknown

_FIELDS = (
    F("total_m3", "Volume"),
    F("temperature_c", "FlowTemperature"),
    F("current_flow_m3h", "VolumeFlow"),
    F("volume_year_period_m3", "Volume", storage=1),
    F("reverse_volume_year_period_m3", "Volume", storage=1, tariff=1),
    F("forward_volume_year_period_m3", "Volume", storage=1, tariff=2),
    F("meter_year_period_end_date", "Date", storage=1),
    F("volume_month_period_m3", "Volume", storage=3),
    F("meter_month_period_end_datetime", "DateTime", storage=3),
    F("battery_y", "RemainingBattery"),
)


def _decode(t, rec, out):
    i = rec.find(0x108, 0x108)
    if i >= 0:      # the access counter is unsigned
        out["access_counter"] = rec.raw(i) & ((1 << 8 * rec.length(i)) - 1)
    out["status"] = status_text(tpl_status_names(t.tpl_status) + error_flag_names(rec, ()))
    _unknown.report(_FIELDS, rec, out, known_codes=(0x117, 0x108))


DRIVER = Driver(
    "hydrus_r4", "WaterMeter", "water",
    # AMT f1 07 and DME 70 06/07 are detected as topaseskr and hydrus (same telegrams)
    detect=(("AMT", 0xF1, 0x06), ("DFS", 0x24, 0x07), ("HYD", 0x24, 0x07),
            ("SPL", 0x24, 0x07), ("SPL", 0x25, 0x07)),
    fields=_FIELDS,
    decode=_decode,
)
