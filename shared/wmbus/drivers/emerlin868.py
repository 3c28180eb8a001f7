"""emerlin868: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'emerlin868', 'WaterMeter', 'radio converter (meter side)',
    detect=(('ELR', 18, 55),),
    fields=(
        F('total_m3', 'Volume'),
        F('target_m3', 'Volume', storage=1),
        F('target_date', 'Date', storage=1),
    ),
)
