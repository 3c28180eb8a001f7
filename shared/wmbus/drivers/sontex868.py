"""sontex868: HeatCostAllocationMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'sontex868', 'HeatCostAllocationMeter', 'heat cost allocation',
    detect=(('SON', 22, 8),),
    fields=(
        F('current_consumption_hca', 'HeatCostAllocation'),
        F('set_date', 'Date', storage=1),
        F('consumption_at_set_date_hca', 'HeatCostAllocation', storage=1),
        F('current_temp_c', 'FlowTemperature'),
        F('current_room_temp_c', 'ExternalTemperature'),
        F('max_temp_c', 'FlowTemperature', mtype=1),
        F('max_temp_previous_period_c', 'ManufacturerSpecific', comb=0x2C),
        F('device_datetime', 'DateTime'),
    ),
)
