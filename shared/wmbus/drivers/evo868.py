"""evo868: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


DRIVER = Driver(
    'evo868', 'WaterMeter', 'cold water',
    detect=(('MAD', 80, 22),),
    fields=(
        F('consumption_at_history_1_m3', 'Volume', storage=2),
        F('consumption_at_history_10_m3', 'Volume', storage=17),
        F('consumption_at_history_11_m3', 'Volume', storage=18),
        F('consumption_at_history_12_m3', 'Volume', storage=1),
        F('consumption_at_history_2_m3', 'Volume', storage=9),
        F('consumption_at_history_3_m3', 'Volume', storage=10),
        F('consumption_at_history_4_m3', 'Volume', storage=11),
        F('consumption_at_history_5_m3', 'Volume', storage=12),
        F('consumption_at_history_6_m3', 'Volume', storage=13),
        F('consumption_at_history_7_m3', 'Volume', storage=14),
        F('consumption_at_history_8_m3', 'Volume', storage=15),
        F('consumption_at_history_9_m3', 'Volume', storage=16),
        F('consumption_at_set_date_m3', 'Volume', storage=19),
        F('consumption_at_set_date_2_m3', 'Volume', storage=8),
        F('history_1_date', 'Date', storage=2),
        F('history_12_date', 'Date', storage=1),
        F('history_reference_date', 'Date', storage=8),
        F('max_flow_since_datetime_m3h', 'VolumeFlow', storage=3, mtype=1),
        F('total_m3', 'Volume'),
        F('device_datetime', 'DateTime'),
        F('fabrication_no', 'FabricationNo', kind='hex'),
        F('max_flow_datetime', 'DateTime', storage=3),
        F('set_date', 'Date', storage=1),
        F('set_date_2', 'Date', storage=2),
    ),
)
# TODO (not standard records): history_10_date, history_11_date, history_2_date, history_3_date, history_4_date, history_5_date, history_6_date, history_7_date, history_8_date, history_9_date, current_status
