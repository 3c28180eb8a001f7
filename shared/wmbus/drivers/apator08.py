"""apator08: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'apator08', 'WaterMeter', 'gas',
    detect=(('APT', 3, 3),),
    fields=(
    ),
)
# TODO (not standard records): total_m3
