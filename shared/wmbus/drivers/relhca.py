"""relhca: HeatCostAllocationMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'relhca', 'HeatCostAllocationMeter', 'other',
    detect=(('REL', 65, 0),),
    fields=(
        F('consumption_hca', 'HeatCostAllocation'),
        F('meter_datetime', 'DateTime'),
        F('target_hca', 'HeatCostAllocation', storage=1),
        F('next_target_date', 'Date', storage=1, comb=0x7E),
        F('target_date', 'Date', storage=1),
    ),
    billing=('consumption_hca', 'target_hca', 'target_date'),
)
