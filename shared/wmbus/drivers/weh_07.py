"""WEH water meter, version 0xFE (weh_07): the total volume, a standard OMS record."""
from ..driver import Driver, F


DRIVER = Driver(
    'weh_07', 'WaterMeter', 'water',
    detect=(('WEH', 254, 7),),
    fields=(
        F('total_m3', 'Volume'),
    ),
)
