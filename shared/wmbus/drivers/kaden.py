"""kaden: HeatCostAllocationMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'kaden', 'HeatCostAllocationMeter', 'heat cost allocation',
    detect=(('VIP', 30, 8),),
    fields=(
        F('consumption_hca', 'HeatCostAllocation'),
        F('external_temperature_c', 'ExternalTemperature'),
        F('fabrication_no', 'FabricationNo', kind='text'),
        F('flow_temperature_c', 'FlowTemperature'),
        F('meter_datetime', 'DateTime'),
        F('no_measurement_duration_h', 0x75),
        F('no_measurement_duration_last_year_h', 'ActualityDuration', storage=1),
        F('tampering_duration_h', 0x74),
        F('target_date', 'Date', storage=1),
        F('target_hca', 'HeatCostAllocation', storage=1),
    ),
    billing=('consumption_hca', 'target_hca', 'target_date'),
    status=True,
)
