"""izar: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'izar', 'WaterMeter', 'water',
    detect=(('DME', 35, 102),
            ('DME', 72, 32),
            ('SAP', 12, 4)),
    media_from_type=False,
    fields=(
    ),
)
# TODO (not standard records): total_m3, last_month_total_m3, last_month_measure_date, remaining_battery_life_y, current_alarms, previous_alarms, transmit_period_s, prefix, serial_number, manufacture_year
