"""Deltamess/EFE WaterStar M (waterstarm): standard OMS records, the maker's error-flag
names, the reading at the set date (storage 1) and a monthly history (storage 2-16) dated
back from the meter clock: history N is N months before the meter date (a month's last day
maps to the last day of the earlier month, mbdate.add_months)."""
from .. import mbdate
from ..driver import BACKWARD_FLOW, Driver, F, Status
from ._library import as_named, use

ERROR_FLAGS = (
    (0x01, "SW_ERROR"), (0x02, "CRC_ERROR"), (0x04, "SENSOR_ERROR"),
    (0x08, "MEASUREMENT_ERROR"), (0x10, "BATTERY_VOLTAGE_ERROR"), (0x20, "MANIPULATION"),
    (0x40, "LEAKAGE_OR_NO_USAGE"), (0x80, "REVERSE_FLOW"), (0x100, "OVERLOAD"),
)
# the status also under its older name, current_status
STATUS = Status(ERROR_FLAGS, mask=0xFFFF, also_field="current_status")


def _decode(t, rec, out):
    now = out.get("meter_datetime")
    if not now or len(now) < 10:
        return
    y, m, d = int(now[0:4]), int(now[5:7]), int(now[8:10])
    if not 1 <= m <= 12 or not 1 <= d <= 31:
        return
    for n in range(1, 16):
        if "consumption_at_history_%d_m3" % n in out:
            out["history_%d_date" % n] = mbdate.add_months(y, m, d, -n)


DRIVER = Driver(
    "waterstarm", "WaterMeter", "warm water",
    detect=(("DWZ", 0x00, 0x06), ("DWZ", 0x02, 0x06), ("DWZ", 0x02, 0x07),
            ("EFE", 0x03, 0x07), ("EFE", 0x70, 0x07), ("DWZ", 0x00, 0x07)),
    fields=use("meter_datetime", "total_m3", "parameter_set", "battery_v") + (
        F("total_backwards_m3", "AnyVolumeVIF", comb=BACKWARD_FLOW),
        as_named("meter_version", "model_version"),
        F("set_date", "Date", storage=1, invalid=None),     # all ones: no date
        F("consumption_at_set_date_m3", "Volume", storage=1),
        F("total_backwards_at_set_date_m3", "Volume", storage=1, comb=BACKWARD_FLOW),
        F("consumption_at_history_{n}_m3", "Volume", storage=(2, 16), offset=-1),
    ),
    status=STATUS,
    decode=_decode,
    billing=("total_m3", "consumption_at_set_date_m3", "set_date"),
)
