"""apator172: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'apator172', 'WaterMeter', 'water',
    detect=(('APT', 4, 17),),
    media_from_type=False,
    fields=(
    ),
)
# TODO (not standard records): total_m3
