"""hydroclima: HeatCostAllocationMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'hydroclima', 'HeatCostAllocationMeter', 'heat cost allocation',
    detect=(('BMP', 83, 8),),
    fields=(
        F('current_consumption_hca', 'HeatCostAllocation'),
    ),
)
# TODO (not standard records): average_ambient_temperature_c, max_ambient_temperature_c, average_ambient_temperature_last_month_c, average_heater_temperature_last_month_c
