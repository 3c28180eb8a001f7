"""Elster Merlin 868 radio converter on a water meter (emerlin868): the total volume and the
target (previous period) volume and date at storage 1."""
from ..driver import Driver, F

DRIVER = Driver(
    "emerlin868", "WaterMeter", "radio converter (meter side)",
    # version 0x12: the converter of wmbusmeters' second published emerlin868 telegram
    detect=(("ELR", 0x11, 0x37), ("ELR", 0x12, 0x37)),
    fields=(
        F("total_m3", "Volume"),
        F("target_m3", "Volume", storage=1),
        F("target_date", "Date", storage=1, invalid=""),
    ),
)
