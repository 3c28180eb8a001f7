"""ev200: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'ev200', 'WaterMeter', 'water',
    detect=(('ELR', 13, 7),),
    fields=(
        F('total_m3', 'Volume'),
        F('target_m3', 'Volume', storage=1),
    ),
)
