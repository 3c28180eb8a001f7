"""mkradio4a: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'mkradio4a', 'WaterMeter', 'water',
    detect=(('WEH', 254, 7),),
    fields=(
        F('target_m3', 'Volume', storage=1),
        F('target_date', 'Date', storage=1),
    ),
)
