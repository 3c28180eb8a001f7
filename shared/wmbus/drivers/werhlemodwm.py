"""Werhle Modularis water meter on wired M-Bus (werhlemodwm): standard OMS records; the
total, clock, fabrication number, the next set date (storage 1, VIFE "future value") and
thirteen set dates with their volumes (storage 1-13)."""
from ..driver import Driver, F


DRIVER = Driver(
    'werhlemodwm', 'WaterMeter', 'cold water',
    detect=(('WZG', 3, 22),),
    fields=(
        F('target_{storage}_m3', 'Volume', storage=(1, 13)),
        F('target_{storage}_date', 'Date', storage=(1, 13)),
        F('fabrication_no', 'FabricationNo', kind='hex'),
        F('meter_datetime', 'DateTime'),
        F('next_target_date', 'Date', storage=1, comb=0x7E),
        F('target_date', 'Date', storage=1),
        F('target_m3', 'Volume', storage=1),
        F('total_m3', 'Volume'),
    ),
)
