"""weh_07: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'weh_07', 'WaterMeter', 'water',
    detect=(('WEH', 254, 7),),
    fields=(
        F('total_m3', 'Volume'),
    ),
)
