"""aquastream: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'aquastream', 'WaterMeter', 'water',
    detect=(('IMT', 1, 7),),
    fields=(
        F('battery_y', 'RemainingBattery', unit='d', scale=1 / 365),   # years of 365 days
        F('meter_datetime', 'DateTime'),
        F('target_date', 'Date', storage=1),
        F('target_m3', 'Volume', storage=1),
        F('total_m3', 'Volume'),
        F('total_backwards_m3', 'Volume', tariff=1),
    ),
    decode=_decode,
)
# TODO (not standard records): battery_y
