"""qwaterv2: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'qwaterv2', 'WaterMeter', 'warm water',
    detect=(('QDS', 22, 6),
            ('QDS', 24, 6),
            ('QDS', 24, 7),
            ('QDS', 53, 6),
            ('QDS', 53, 7)),
    fields=(
        F('meter_datetime', 'DateTime'),
        F('volume_flow_m3h', 'VolumeFlow', comb=0x56),
    ),
    decode=_decode,
)
# TODO (not standard records): device_error_date, target_date, target_m3, target_year_date, target_year_m3, total_m3, volume_delta_2_m3, volume_delta_3_m3, volume_delta_4_m3, volume_delta_5_m3, volume_delta_6_m3, volume_delta_7_m3, volume_delta_8_m3, volume_delta_9_m3, volume_delta_10_m3, volume_delta_11_m3, volume_delta_12_m3, volume_delta_13_m3
