"""Diehl Hydrus / IZAR RS water meters (hydrus): standard OMS records (the IZAR RS radio
codes its address Diehl's way, link.py). Telegrams in security mode 5 sent without a meter
key of their own decrypt with Diehl's published default key (link.py). Names as
wmbusmeters' hydrus driver gives them: tariffs 1-2, the billing date values at storage 1,
the end of last month at storage 3."""
from ..driver import Driver, F, Status
from ._library import use

DRIVER = Driver(
    "hydrus", "WaterMeter", "water",
    detect=(("DME", 0x70, 0x07), ("DME", 0x76, 0x07), ("HYD", 0x24, 0x07),
            ("HYD", 0x8B, 0x07), ("HYD", 0x8B, 0x06), ("DME", 0x70, 0x06),
            ("DME", 0x70, 0x16)),
    fields=use("operating_time_h", "actuality_duration_s", "meter_datetime",
               "flow_temperature_c", "external_temperature_c") + (
        F("customer", "Customer", kind="text"),
        F("total_m3", "Volume"),
        F("total_tariff{tariff}_m3", "Volume", tariff=(1, 2)),
        F("total_tariff{tariff}_at_date_m3", "Volume", storage=1, tariff=(1, 2)),
        F("flow_m3h", "VolumeFlow"),
        F("total_at_date_m3", "Volume", storage=1),
        F("at_date", "Date", storage=1, invalid=None),
        F("target_m3", "Volume", storage=3),
        F("target_datetime", "DateTime", storage=3),
        F("remaining_battery_life_y", "RemainingBattery", unit="y"),
    ),
    status=Status(mask=0xFFFF),
    billing=("total_m3", "total_at_date_m3", "at_date"),
)
