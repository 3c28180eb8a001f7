"""dme173: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'dme173', 'WaterMeter', 'water',
    detect=(('DME', 99, 7),),
    fields=(
        F('set_date', 'Date', storage=1),
        F('target_datetime', 'DateTime', storage=8),
        F('target_m3', 'Volume', storage=1),
        F('total_at_set_date_m3', 'Volume', storage=8),
        F('total_backward_m3', 'Volume', comb=0x3C),
        F('total_m3', 'Volume'),
    ),
    decode=_decode,
)
