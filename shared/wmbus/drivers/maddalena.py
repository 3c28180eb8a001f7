"""Maddalena water meter (maddalena): standard records; the fabrication number as sent."""
from ..driver import Driver, F


def _decode(t, rec, out):
    i = rec.find(0x78, 0x78)
    if i >= 0:      # BCD digits with an F filler nibble: printed as the digits are sent
        out["fabrication_no"] = rec.hexstr(i).upper()


DRIVER = Driver(
    'maddalena', 'WaterMeter', 'water',
    detect=(('MAD', 1, 7),),
    fields=(
        F('target_m3', 'Volume', storage=1),
        F('target_date', 'Date', storage=1),
        F('total_m3', 'Volume'),
        F('meter_datetime', 'DateTime'),
    ),
    decode=_decode,
    status=True,
)
