"""supercom587: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'supercom587', 'WaterMeter', 'water',
    detect=(('SON', 60, 7),),
    fields=(
        F('total_m3', 'Volume'),
        F('software_version', 'SoftwareVersion', kind='hex'),
    ),
    decode=_decode,
)
