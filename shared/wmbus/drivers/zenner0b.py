"""zenner0b: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'zenner0b', 'WaterMeter', 'cold water',
    detect=(('ZRI', 11, 22),),
    fields=(
    ),
    decode=_decode,
)
# TODO (not standard records): target_m3, total_m3
