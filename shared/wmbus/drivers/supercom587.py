"""Sontex Supercom 587 water meter radio module (supercom587): the total volume and the
software version, standard OMS records; status from the error flags and the TPL status
byte."""
from ..driver import Driver, F, Status


DRIVER = Driver(
    'supercom587', 'WaterMeter', 'water',
    detect=(("SON", 0x3C, 0x06), ("SON", 0x3C, 0x07)),
    fields=(
        F('total_m3', 'Volume'),
        F('software_version', 'SoftwareVersion', kind='readable'),
    ),
    status=Status(mask=0x000F),   # error flags (4 bits, no names published) and TPL status
)
