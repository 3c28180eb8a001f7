"""Maddalena EVO 868 water meter module (evo868): standard OMS records; the readings at the
last two set dates (storage 1, 2), the maximum flow since a date time (storage 3), a
12-month history (storage 8-19) dated back from the reference date the meter stores at
storage 8 (history N is N-1 months before it, mbdate.add_months); status from the error
flags and the TPL status byte (as wmbusmeters' evo868 driver reads them)."""
from .. import mbdate
from ..driver import MAXIMUM, Driver, F, Status
from ._library import use


def _history_dates(t, rec, out):
    ref = out.get("history_reference_date")
    if not ref:
        return
    y, m, d = int(ref[0:4]), int(ref[5:7]), int(ref[8:10])
    if not 1 <= m <= 12 or not 1 <= d <= mbdate.days_in_month(y, m):
        return
    for n in range(1, 13):
        if "consumption_at_history_%d_m3" % n in out:
            out["history_%d_date" % n] = mbdate.add_months(y, m, d, 1 - n)


DRIVER = Driver(
    "evo868", "WaterMeter", "cold water",
    detect=(("MAD", 0x50, 0x06), ("MAD", 0x50, 0x07), ("MAD", 0x50, 0x16)),
    fields=use("fabrication_no", "total_m3") + (
        F("consumption_at_set_date_m3", "Volume", storage=1),
        F("set_date", "Date", storage=1, invalid=""),
        F("consumption_at_set_date_2_m3", "Volume", storage=2),
        F("set_date_2", "Date", storage=2, invalid=""),
        F("max_flow_since_datetime_m3h", "VolumeFlow", storage=3, mtype=MAXIMUM),
        F("max_flow_datetime", "DateTime", storage=3),
        F("consumption_at_history_{n}_m3", "Volume", storage=(8, 19), offset=-7),
        F("history_reference_date", "Date", storage=8, invalid=None),
        F("device_datetime", "DateTime"),
    ),
    status=Status(mask=0xFFFF, field="current_status"),
    decode=_history_dates,
    billing=("total_m3", "consumption_at_set_date_m3", "set_date"),
)
