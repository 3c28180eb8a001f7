"""apator162: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'apator162', 'WaterMeter', 'water',
    detect=(('APA', 5, 7),),
    fields=(
    ),
)
# TODO (not standard records): total_m3
