"""dme_07: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'dme_07', 'WaterMeter', 'water',
    detect=(('DME', 123, 7),),
    fields=(
        F('total_m3', 'Volume'),
    ),
    decode=_decode,
)
