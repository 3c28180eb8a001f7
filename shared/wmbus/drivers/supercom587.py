"""Sontex Supercom 587 water meter radio module (supercom587): the total volume and the
software version, standard OMS records; status from the TPL status byte."""
from ..driver import Driver, F


DRIVER = Driver(
    'supercom587', 'WaterMeter', 'water',
    detect=(('SON', 60, 7),),
    fields=(
        F('total_m3', 'Volume'),
        F('software_version', 'SoftwareVersion', kind='hex'),
    ),
    status=True,
)
