"""topaseskr: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'topaseskr', 'WaterMeter', 'water',
    detect=(('AMT', 241, 7),),
    fields=(
        F('total_m3', 'Volume'),
        F('access_counter', 'AccessNumber'),
        F('temperature_c', 'FlowTemperature'),
        F('current_flow_m3h', 'VolumeFlow'),
        F('volume_year_period_m3', 'Volume', storage=1),
        F('reverse_volume_year_period_m3', 'Volume', storage=1, tariff=1),
        F('meter_year_period_end_date', 'Date', storage=1),
        F('volume_month_period_m3', 'Volume', storage=3),
        F('meter_month_period_end_datetime', 'DateTime', storage=3),
        F('battery_y', 'RemainingBattery'),
    ),
    billing=('total_m3', 'volume_year_period_m3', 'meter_year_period_end_date'),
)
