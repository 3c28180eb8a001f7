"""ultrimis: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'ultrimis', 'WaterMeter', 'cold water',
    detect=(('APA', 1, 22),),
    fields=(
        F('total_m3', 'Volume'),
        F('target_m3', 'Volume', storage=1),
        F('total_backward_flow_m3', 'ErrorFlags'),
    ),
)
# TODO (not standard records): current_status
