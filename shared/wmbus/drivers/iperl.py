"""iperl: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'iperl', 'WaterMeter', 'water',
    detect=(('SEN', 104, 7),),
    fields=(
        F('total_m3', 'Volume'),
        F('max_flow_m3h', 'VolumeFlow'),
    ),
)
