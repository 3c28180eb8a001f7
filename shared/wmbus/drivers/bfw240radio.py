"""bfw240radio: HeatCostAllocationMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'bfw240radio', 'HeatCostAllocationMeter', 'heat cost allocation',
    detect=(('BFW', 2, 8),),
    fields=(
    ),
)
# TODO (not standard records): current_hca, prev_hca, prev_01_hca, prev_02_hca, prev_03_hca, prev_04_hca, prev_05_hca, prev_06_hca, prev_07_hca, prev_08_hca, prev_09_hca, prev_10_hca, prev_11_hca, prev_12_hca, prev_13_hca, prev_14_hca, prev_15_hca, prev_16_hca, prev_17_hca, prev_18_hca, device_date
