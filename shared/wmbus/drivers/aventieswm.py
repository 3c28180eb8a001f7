"""aventieswm: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, error_flag_names, status_text, tpl_status_names

# error flag bits (VIF FD 17) as the published telegrams name them
_FLAGS = ((0x01, "MEASUREMENT"), (0x10, "HF"))


def _decode(t, rec, out):
    flags = error_flag_names(rec, _FLAGS)
    out["error_flags"] = status_text(flags)
    out["status"] = status_text(tpl_status_names(t.tpl_status) + flags)


DRIVER = Driver(
    'aventieswm', 'WaterMeter', 'water',
    detect=(('AAA', 37, 7),),
    fields=(
        F('total_m3', 'Volume'),
        F('consumption_at_set_date_1_m3', 'Volume', storage=1),
        F('consumption_at_set_date_2_m3', 'Volume', storage=2),
        F('consumption_at_set_date_3_m3', 'Volume', storage=3),
        F('consumption_at_set_date_4_m3', 'Volume', storage=4),
        F('consumption_at_set_date_5_m3', 'Volume', storage=5),
        F('consumption_at_set_date_6_m3', 'Volume', storage=6),
        F('consumption_at_set_date_7_m3', 'Volume', storage=7),
        F('consumption_at_set_date_8_m3', 'Volume', storage=8),
        F('consumption_at_set_date_9_m3', 'Volume', storage=9),
        F('consumption_at_set_date_10_m3', 'Volume', storage=10),
        F('consumption_at_set_date_11_m3', 'Volume', storage=11),
        F('consumption_at_set_date_12_m3', 'Volume', storage=12),
        F('consumption_at_set_date_13_m3', 'Volume', storage=13),
        F('consumption_at_set_date_14_m3', 'Volume', storage=14),
    ),
    decode=_decode,
)
