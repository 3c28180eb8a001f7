"""Elster EV200 water meter (ev200): the total volume and the target (previous period)
volume at storage 1."""
from ..driver import Driver, F

DRIVER = Driver(
    "ev200", "WaterMeter", "water",
    detect=(("ELR", 0x0D, 0x07),),
    fields=(
        F("total_m3", "Volume"),
        F("target_m3", "Volume", storage=1),
    ),
    billing=("total_m3", "target_m3", None),
)
