"""Maddalena EVO 868 water meter (evo868): reading, two set dates, a 12-month history
(storage 8-19, month ends back from the reference date), maximum flow and when."""
from ..driver import Driver, F
from . import _profile


def _history_dates(t, rec, out):
    """history_N_date: month ends going back from the reference date (storage 8), as the
    meter's monthly history is kept."""
    ref = out.get("history_reference_date")
    if not ref or ref.startswith("2127"):
        return
    y, m = int(ref[0:4]), int(ref[5:7])
    for n in range(1, 13):
        out["history_%d_date" % n] = _profile.add_months(y, m, 1 - n)
    i = rec.find(0x117, 0x117)
    if i >= 0:
        v = rec.raw(i)
        out["current_status"] = "OK" if not v else "ERROR_FLAGS_%X" % v



DRIVER = Driver(
    'evo868', 'WaterMeter', 'cold water',
    detect=(('MAD', 80, 22),),
    decode=_history_dates,
    fields=(
        F('consumption_at_set_date_m3', 'Volume', storage=1),
        F('consumption_at_history_{n}_m3', 'Volume', storage=(8, 19), offset=-7),
        F('consumption_at_set_date_2_m3', 'Volume', storage=2),
        F('history_reference_date', 'Date', storage=8),
        F('max_flow_since_datetime_m3h', 'VolumeFlow', storage=3, mtype=1),
        F('total_m3', 'Volume'),
        F('device_datetime', 'DateTime'),
        F('fabrication_no', 'FabricationNo', kind='hex'),
        F('max_flow_datetime', 'DateTime', storage=3),
        F('set_date', 'Date', storage=1),
        F('set_date_2', 'Date', storage=2),
    ),
    billing=('total_m3', 'consumption_at_set_date_m3', 'set_date'),
)
