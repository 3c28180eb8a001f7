"""qwater: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'qwater', 'WaterMeter', 'radio converter (meter side)',
    detect=(('QDS', 22, 6),
            ('QDS', 23, 6),
            ('QDS', 23, 7),
            ('QDS', 24, 6),
            ('QDS', 24, 7),
            ('QDS', 25, 7),
            ('QDS', 26, 6),
            ('QDS', 26, 7),
            ('QDS', 29, 6),
            ('QDS', 53, 6),
            ('QDS', 53, 7),
            ('QDS', 53, 55)),
    fields=(
    ),
    decode=_decode,
)
# TODO (not standard records): due_17_date, due_17_date_m3, due_date, due_date_m3, meter_datetime, total_m3, error_date, volume_flow_m3h
