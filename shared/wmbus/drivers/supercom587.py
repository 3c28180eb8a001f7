"""supercom587: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'supercom587', 'WaterMeter', 'water',
    detect=(('SON', 60, 7),),
    fields=(
        F('total_m3', 'Volume'),
        F('software_version', 'SoftwareVersion', kind='hex'),
    ),
    status=True,
)
