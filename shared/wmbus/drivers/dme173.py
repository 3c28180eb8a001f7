"""Diehl water meter dme173: standard records. The end of the last billing period is
storage 8 (target date-time and volume), an earlier set date storage 1 (as wmbusmeters'
dme173 driver reads them; in the published vector both volumes are equal, so the vector
alone could not tell them apart)."""
from ..driver import Driver, F


DRIVER = Driver(
    'dme173', 'WaterMeter', 'water',
    detect=(('DME', 99, 7),),
    fields=(
        F('set_date', 'Date', storage=1),
        F('target_datetime', 'DateTime', storage=8),
        F('target_m3', 'Volume', storage=8),
        F('total_at_set_date_m3', 'Volume', storage=1),
        F('total_backward_m3', 'Volume', comb=0x3C),
        F('total_m3', 'Volume'),
    ),
    billing=('total_m3', 'total_at_set_date_m3', 'set_date'),
    status=True,
)
