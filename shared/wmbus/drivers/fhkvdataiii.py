"""fhkvdataiii: HeatCostAllocationMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'fhkvdataiii', 'HeatCostAllocationMeter', 'heat cost allocator',
    detect=(('TCH', 105, 128),
            ('TCH', 148, 128)),
    media_from_type=False,
    fields=(
    ),
)
# TODO (not standard records): current_hca, current_date, previous_hca, previous_date, temp_room_c, temp_radiator_c
