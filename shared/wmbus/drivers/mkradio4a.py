"""Techem/Diehl MK Radio 4a water meter (mkradio4a): only the reading at the end of the
previous year and that date (storage 1) are sent; there is no current reading."""
from ..driver import Driver, F

DRIVER = Driver(
    "mkradio4a", "WaterMeter", "water",
    detect=(("HYD", 0xFE, 0x06), ("TCH", 0x95, 0x37)),
    fields=(
        F("target_m3", "Volume", storage=1),
        F("target_date", "Date", storage=1, invalid=None),
    ),
    billing=(None, "target_m3", "target_date"),
)
