"""Amiplus/Topas ES KR water meter (topaseskr): standard OMS records; the volume at the end of
the last year period (storage 1, its reverse volume in tariff 1) and month period (storage
3) with their dates, water temperature, flow, remaining battery (names as wmbusmeters'
topaseskr driver gives them)."""
from ..driver import Driver, F
from ._library import use

DRIVER = Driver(
    "topaseskr", "WaterMeter", "water",
    renames="hydrus_r4",  # wmbusmeters now names it an alias of hydrus_r4
    detect=(("AMT", 0xF1, 0x06), ("AMT", 0xF1, 0x07)),
    fields=use("total_m3", "access_counter") + (
        F("temperature_c", "FlowTemperature"),
        F("current_flow_m3h", "VolumeFlow"),
        F("volume_year_period_m3", "Volume", storage=1),
        F("reverse_volume_year_period_m3", "Volume", storage=1, tariff=1),
        F("meter_year_period_end_date", "Date", storage=1, invalid=""),
        F("volume_month_period_m3", "Volume", storage=3),
        F("meter_month_period_end_datetime", "DateTime", storage=3),
        F("battery_y", "RemainingBattery"),
    ),
    billing=("total_m3", "volume_year_period_m3", "meter_year_period_end_date"),
)
