"""ista radio net 3 water meter in OMS mode (istawater): the total volume and the reading at
the end of the previous billing month with its date, both at storage 2 (as wmbusmeters'
istawater driver reads them)."""
from ..driver import Driver, F
from ._library import use

DRIVER = Driver(
    "istawater", "WaterMeter", "water",
    detect=(("IST", 0x31, 0x07), ("IST", 0x33, 0x07)),
    fields=use("total_m3") + (
        F("target_m3", "Volume", storage=2),
        F("target_date", "Date", storage=2, invalid=None),
    ),
)
