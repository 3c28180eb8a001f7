"""apatorna1: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'apatorna1', 'WaterMeter', 'water',
    detect=(('APA', 20, 7),),
    fields=(
    ),
)
# TODO (not standard records): historic_m3, historic_datetime, historic_age_h, meter_datetime, total_m3, current_status, frame_status, historic_status
