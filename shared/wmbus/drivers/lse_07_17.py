"""lse_07_17: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'lse_07_17', 'WaterMeter', 'warm water',
    detect=(('LSE', 24, 6),
            ('LSE', 216, 7)),
    fields=(
        F('total_m3', 'Volume'),
        F('due_m3', 'Volume', storage=1),
        F('device_datetime', 'DateTime'),
    ),
)
# TODO (not standard records): due_date, error_code, error_date
