"""mkradio3: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'mkradio3', 'WaterMeter', 'warm water',
    detect=(('TCH', 116, 98),),
    media_from_type=False,
    fields=(
    ),
)
# TODO (not standard records): total_m3, target_m3, current_date, prev_date
