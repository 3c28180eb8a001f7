"""istawater: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'istawater', 'WaterMeter', 'water',
    detect=(('IST', 49, 7),),
    fields=(
        F('target_date', 'Date', storage=2),
        F('target_m3', 'Volume', storage=2),
        F('total_m3', 'Volume'),
    ),
)
