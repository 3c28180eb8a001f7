"""Diehl Hydrus / IZAR RS water meters (hydrus); the converter-type ids 0x0E and 0x60 print
as water / warm water. Telegrams in security mode 5 sent without a meter key of their own
decrypt with Diehl's published default key (link.py)."""
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
        F('total_tariff1_m3', 'Volume', tariff=1),
        F('total_tariff2_m3', 'Volume', tariff=2),
        F('flow_m3h', 'VolumeFlow'),
        F('external_temperature_c', 'ExternalTemperature'),
        F('total_tariff1_at_date_m3', 'Volume', storage=1, tariff=1),
        F('total_tariff2_at_date_m3', 'Volume', storage=1, tariff=2),
        F('actuality_duration_s', 'ActualityDuration'),
        F('operating_time_h', 'OperatingTime'),
        F('meter_datetime', 'DateTime'),
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
