"""Apator OP-041A water meter radio module (op041a): the total volume and the clock,
standard OMS records."""
from ..driver import Driver, F


DRIVER = Driver(
    'op041a', 'WaterMeter', 'water',
    detect=(('APA', 26, 7),),
    fields=(
        F('total_m3', 'Volume'),
        F('meter_datetime', 'DateTime'),
    ),
)
