"""maddalena: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


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
)
# TODO (not standard records): fabrication_no
