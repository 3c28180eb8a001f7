"""Engelmann water meter with the FAW radio interface, version 0x70 (engelmann-faw-ri):
standard OMS records. Volume at storage 0 is the meter reading; volume and date at
storage 1 the set-date (billing) reading and its date (all-ones date: none set); volume
at storage 2-16 the monthly history, history n = storage n + 1.

The meter sends no history dates. history_<n>_date is derived: the meter's date n months
back (mbdate.add_months: wmbusmeters' addMonths, which its formula "meter_datetime - n
month" uses: a month's last day maps to the earlier month's last day, another day is kept
or clamped to that month's length); it is not a value the meter stores. Error flags (VIF
FD 17) by the maker's bit names."""
from .. import mbdate
from ..driver import BACKWARD_FLOW, Driver, F, Status

_FLAGS = ((0x01, "SENSOR_ERROR"), (0x02, "RESET"), (0x04, "SOFTWARE_FAULT"),
          (0x08, "MANIPULATION"), (0x10, "LOW_BATTERY"), (0x20, "ERRONEOUS_FLOW"),
          (0x40, "LEAKAGE"), (0x80, "OVERLOAD"))

_FIELDS = (
    F("total_m3", "Volume"),
    F("meter_datetime", "DateTime"),
    F("set_date", "Date", storage=1, invalid=None),
    F("consumption_at_set_date_m3", "Volume", storage=1),
    F("total_backwards_at_set_date_m3", "Volume", storage=1, comb=BACKWARD_FLOW),
    F("consumption_at_history_{n}_m3", "Volume", storage=(2, 16), offset=-1),
)


def _decode(t, rec, out):
    now = out.get("meter_datetime")
    if now:
        y, m, d = int(now[0:4]), int(now[5:7]), int(now[8:10])
        if not 1 <= m <= 12 or not 1 <= d <= mbdate.days_in_month(y, m):
            out["date_error"] = "meter date %s is not a date: no history dates" % now[:10]
        else:
            for n in range(1, 16):
                if "consumption_at_history_%d_m3" % n in out:
                    out["history_%d_date" % n] = mbdate.add_months(y, m, d, -n)


DRIVER = Driver(
    "engelmann_faw_ri", "WaterMeter", "water",
    aliases=("engelmann-faw-ri",),
    # the same meter family and records as waterstarm, named as wmbusmeters' engelmann_faw_ri
    # names them: where both declare a header (EFE 70 07), auto-detection takes waterstarm
    renames="waterstarm",
    detect=(("EFE", 0x70, 0x06), ("EFE", 0x70, 0x07), ("EFE", 0x70, 0x16)),
    fields=_FIELDS,
    status=Status(_FLAGS),
    decode=_decode,
    report_unknown=True,
)
