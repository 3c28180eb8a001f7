"""picoflux: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'picoflux', 'WaterMeter', 'water',
    detect=(('ECM', 5, 7),),
    fields=(
        F('actuality_duration_s', 'ActualityDuration'),
        F('total_backward_m3', 'Volume', comb=0x3C),
        F('total_m3', 'Volume'),
        F('meter_datetime', 'DateTime'),
    ),
    decode=_decode,
)
