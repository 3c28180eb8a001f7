"""ultrimisv2: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'ultrimisv2', 'WaterMeter', 'cold water',
    detect=(('APA', 1, 22),
            ('APA', 32, 22)),
    fields=(
        F('total_m3', 'Volume'),
        F('target_m3', 'Volume', storage=1),
        F('total_backward_m3', 'Volume', comb=0x3C),
    ),
    decode=_decode,
)
