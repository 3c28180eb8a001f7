"""dme_07: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'dme_07', 'WaterMeter', 'water',
    detect=(('DME', 123, 7),),
    fields=(
        F('total_m3', 'Volume'),
    ),
    status=True,
)
