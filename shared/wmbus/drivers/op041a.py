"""op041a: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'op041a', 'WaterMeter', 'water',
    detect=(('APA', 26, 7),),
    fields=(
        F('total_m3', 'Volume'),
        F('meter_datetime', 'DateTime'),
    ),
)
