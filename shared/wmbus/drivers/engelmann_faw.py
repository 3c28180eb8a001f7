"""engelmann_faw: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'engelmann_faw', 'WaterMeter', 'water',
    aliases=('engelmann-faw',),
    detect=(('EFE', 0, 7),),
    fields=(
        F('reporting_date', 'Date', storage=1),
        F('consumption_at_reporting_date_m3', 'Volume', storage=1),
        F('consumption_1_months_ago_m3', 'Volume', storage=2),
        F('consumption_2_months_ago_m3', 'Volume', storage=3),
        F('consumption_3_months_ago_m3', 'Volume', storage=4),
        F('consumption_4_months_ago_m3', 'Volume', storage=5),
        F('consumption_5_months_ago_m3', 'Volume', storage=6),
        F('consumption_6_months_ago_m3', 'Volume', storage=7),
        F('consumption_7_months_ago_m3', 'Volume', storage=8),
        F('consumption_8_months_ago_m3', 'Volume', storage=9),
        F('consumption_9_months_ago_m3', 'Volume', storage=10),
        F('consumption_10_months_ago_m3', 'Volume', storage=11),
        F('consumption_11_months_ago_m3', 'Volume', storage=12),
        F('consumption_12_months_ago_m3', 'Volume', storage=13),
        F('consumption_13_months_ago_m3', 'Volume', storage=14),
        F('consumption_14_months_ago_m3', 'Volume', storage=15),
        F('consumption_15_months_ago_m3', 'Volume', storage=16),
    ),
    decode=_decode,
    billing=('total_m3', 'consumption_at_reporting_date_m3', 'reporting_date'),
)
