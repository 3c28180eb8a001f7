"""izarv2: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'izarv2', 'WaterMeter', 'water',
    detect=(('DME', 35, 102),
            ('DME', 72, 32),
            ('SAP', 12, 4)),
    media_from_type=False,
    fields=(
    ),
    decode=_decode,
)
# TODO (not standard records): total_m3, target_m3, target_date, battery_y, transmit_period_s, prefix, serial_number, manufacture_y
