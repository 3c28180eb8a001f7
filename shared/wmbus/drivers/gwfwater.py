"""gwfwater: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'gwfwater', 'WaterMeter', 'water',
    detect=(('GWF', 60, 7),),
    fields=(
        F('actuality_duration_s', 'ActualityDuration'),
        F('target_date', 'Date', storage=1),
        F('target_m3', 'Volume', storage=1),
        F('total_m3', 'Volume'),
    ),
    decode=_decode,
)
# TODO (not standard records): battery_y, power_mode
