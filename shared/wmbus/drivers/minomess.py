"""minomess: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'minomess', 'WaterMeter', 'water',
    detect=(('ZRI', 0, 7),),
    fields=(
        F('meter_date', 'Date'),
        F('total_m3', 'Volume'),
        F('target_date', 'Date', storage=8),
    ),
    decode=_decode,
)
