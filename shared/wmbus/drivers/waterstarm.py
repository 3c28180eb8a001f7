"""waterstarm: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'waterstarm', 'WaterMeter', 'warm water',
    detect=(('DWZ', 0, 6),
            ('EFE', 112, 7)),
    fields=(
        F('battery_v', 'Voltage'),
        F('consumption_at_history_10_m3', 'Volume', storage=11),
        F('consumption_at_history_11_m3', 'Volume', storage=12),
        F('consumption_at_history_12_m3', 'Volume', storage=13),
        F('consumption_at_history_13_m3', 'Volume', storage=14),
        F('consumption_at_history_14_m3', 'Volume', storage=15),
        F('consumption_at_history_15_m3', 'Volume', storage=16),
        F('consumption_at_history_1_m3', 'Volume', storage=2),
        F('consumption_at_history_2_m3', 'Volume', storage=3),
        F('consumption_at_history_3_m3', 'Volume', storage=4),
        F('consumption_at_history_4_m3', 'Volume', storage=5),
        F('consumption_at_history_5_m3', 'Volume', storage=6),
        F('consumption_at_history_6_m3', 'Volume', storage=7),
        F('consumption_at_history_7_m3', 'Volume', storage=8),
        F('consumption_at_history_8_m3', 'Volume', storage=9),
        F('consumption_at_history_9_m3', 'Volume', storage=10),
        F('consumption_at_set_date_m3', 'Volume', storage=1),
        F('meter_datetime', 'DateTime'),
        F('total_m3', 'Volume'),
        F('total_backwards_at_set_date_m3', 'Volume', storage=1, comb=0x3C),
    ),
    decode=_decode,
)
# TODO (not standard records): history_10_date, history_11_date, history_12_date, history_13_date, history_14_date, history_15_date, history_1_date, history_2_date, history_3_date, history_4_date, history_5_date, history_6_date, history_7_date, history_8_date, history_9_date, set_date
