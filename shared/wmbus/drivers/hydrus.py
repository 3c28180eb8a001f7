"""Diehl Hydrus / IZAR RS water meters (hydrus); the converter-type ids 0x0E and 0x60 print
as water / warm water."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))
    if t.device_type == 0x60 and not t.wired:
        # IZAR RS radio: Diehl's address transformation (id from A-field bytes 2-5)
        from ._prios import diehl_id
        out["id"] = diehl_id(t.frame)


DRIVER = Driver(
    'hydrus', 'WaterMeter', 'water',
    detect=(('DME', 112, 6),
            ('DME', 112, 7),
            ('HYD', 144, 96)),
    media_map={0x0E: "water", 0x60: "warm water"},
    fields=(
        F('total_m3', 'Volume'),
        F('flow_m3h', 'VolumeFlow'),
        F('flow_temperature_c', 'FlowTemperature'),
        F('remaining_battery_life_y', 'RemainingBattery'),
        F('target_datetime', 'DateTime', storage=3),
        F('target_m3', 'Volume', storage=3),
        F('customer', 'Customer', kind='text'),
        F('total_at_date_m3', 'Volume', storage=1),
        F('at_date', 'Date', storage=1),
    ),
    decode=_decode,
)
