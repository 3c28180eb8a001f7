"""hydrodigit: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'hydrodigit', 'WaterMeter', 'warm water',
    detect=(('BMT', 19, 7),
            ('BMT', 21, 7),
            ('BMT', 23, 6),
            ('BMT', 23, 7)),
    fields=(
        F('meter_datetime', 'DateTime'),
        F('total_m3', 'Volume'),
    ),
)
# TODO (not standard records): April_total_m3, August_total_m3, December_total_m3, February_total_m3, January_total_m3, July_total_m3, June_total_m3, March_total_m3, May_total_m3, November_total_m3, October_total_m3, September_total_m3, backflow_m3, contents, voltage_v, fraud_date, fraud_type, leak_date
