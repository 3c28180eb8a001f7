"""Deltamess/EFE WaterStar M (waterstarm): reading, set date, a 15-month history dated
back from the meter clock."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))
    i = rec.find(0x6C, 0x6C, 0, 1, 0, 0)
    sd = rec.date(i) if i >= 0 else None
    out["set_date"] = None if sd is None or sd.startswith("2127") else sd   # all ones: none
    # the monthly history (storage 2-16) is kept on the meter's day of the month, going
    # back from its clock: history N is N months before the meter date
    now = out.get("meter_datetime")
    if not now:
        return
    y, m, d = int(now[0:4]), int(now[5:7]), int(now[8:10])
    n = 1
    while "consumption_at_history_%d_m3" % n in out:
        k = m - 1 - n
        out["history_%d_date" % n] = "%04d-%02d-%02d" % (y + k // 12, k % 12 + 1, min(d, 28))
        n += 1


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
    billing=('total_m3', 'consumption_at_set_date_m3', 'set_date'),
)
