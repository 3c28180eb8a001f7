"""uiws: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'uiws', 'WaterMeter', 'water',
    detect=(('ZRI', 153, 7),),
    fields=(
        F('external_temperature_c', 'ExternalTemperature'),
        F('flow_temperature_c', 'FlowTemperature'),
        F('meter_datetime', 'DateTime'),
        F('target_date', 'Date', storage=30),
        F('target_m3', 'Volume'),
        F('total_m3', 'Volume', storage=30),
    ),
    decode=_decode,
)
# TODO (not standard records): target_10_date, target_10_m3, target_1_date, target_1_m3, target_2_date, target_2_m3, target_3_date, target_3_m3, target_4_date, target_4_m3, target_5_date, target_5_m3, target_6_date, target_6_m3, target_7_date, target_7_m3, target_8_date, target_8_m3, target_9_date, target_9_m3, unknown_m3
