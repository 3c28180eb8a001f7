"""Diehl HYDRUS R4 family of ultrasonic water meters (Diehl, Sappel, Hydrometer, DFS,
Amtron/Topas rebrands) in OMS mode: standard records. Volume at storage 0 is the meter
reading; at storage 1 the reading at the end of the year period (the set/billing date,
date record at storage 1), split by tariff 1 (reverse) and 2 (forward); at storage 3 the
reading at the end of the month period (date-time record at storage 3)."""
from ..driver import Driver, F, Status
from ._library import use

_FIELDS = use("total_m3", "access_counter") + (
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


DRIVER = Driver(
    "hydrus_r4", "WaterMeter", "water",
    # HYD 24 07 is declared by hydrus too: the telegram's records tell them apart
    # (Decoder._best_fit); DME 70 06/07 are hydrus' alone (its published examples)
    detect=(("AMT", 0xF1, 0x06), ("AMT", 0xF1, 0x07), ("DFS", 0x24, 0x07), ("HYD", 0x24, 0x07),
            ("SPL", 0x24, 0x07), ("SPL", 0x25, 0x07)),
    fields=_FIELDS,
    status=Status(mask=0xFFFF),
    report_unknown=True,
)
