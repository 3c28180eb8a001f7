"""Zenner IUWS ultrasonic water meter (uiws). Standard records: total (storage 0), an
unexplained volume (storage 1, null when 0x80000000), the base month of the compact profile
(storage 30: date and volume), clock and temperatures. The monthly history is one
variable-length record with VIFE 0x13 (EN 13757-3 "reverse compact profile"): a spacing
control byte (bits 0-3 element size, bits 4-5 spacing unit, 3 = months), a spacing value,
then the values, the most recent first; wmbusmeters names them target_1..target_10 (storage
31..40) with their dates counted back month by month from the base date."""
from .. import mbdate, vif
from ..driver import Driver, F, Status, le_uint

_NULL = -0x80000000
_PROFILE = 0x13             # the combinable VIFE marking a (reverse) compact profile
VOLUME_LO, VOLUME_HI = 0x10, 0x17   # the volume VIF codes
BASE_STORAGE = 30


def _month_back(date, k):
    """The date k months before 'YYYY-MM-DD' (mbdate.add_months), or None if not a date."""
    y, m, d = int(date[0:4]), int(date[5:7]), int(date[8:10])
    if not 1 <= m <= 12 or not 1 <= d <= mbdate.days_in_month(y, m):
        return None
    return mbdate.add_months(y, m, d, -k)


def _decode(t, rec, out):
    i = rec.find(VOLUME_LO, VOLUME_HI, 0, 1)
    if i >= 0:
        raw = rec.raw(i)
        out["unknown_m3"] = None if raw == _NULL else vif.scale(rec.code(i), raw)
    i = rec.find(VOLUME_LO, VOLUME_HI, 0, BASE_STORAGE, 0, 0, _PROFILE)
    if i < 0:
        return
    d = rec.data
    code, off, ln = rec.code(i), rec.offset(i), rec.length(i)
    size = d[off] & 0x0F
    if size not in (1, 2, 4) or ln < 2:
        return
    base = out.get("target_date")
    monthly = (d[off] >> 4) & 3 == 3
    for k in range(1, min(10, (ln - 2) // size) + 1):
        p = off + 2 + (k - 1) * size
        v = le_uint(d, p, size)
        if v >= 1 << (8 * size - 1):
            v -= 1 << (8 * size)
        out["target_%d_m3" % k] = None if v == -(1 << (8 * size - 1)) else \
            round(vif.scale(code, v), 6)
        if base and monthly:
            out["target_%d_date" % k] = _month_back(base, k)


DRIVER = Driver(
    "uiws", "WaterMeter", "water",
    detect=(("ZRI", 0x99, 0x07),),
    fields=(
        F("total_m3", "Volume"),
        F("meter_datetime", "DateTime"),
        F("flow_temperature_c", "FlowTemperature"),
        F("external_temperature_c", "ExternalTemperature"),
        F("target_date", "Date", storage=30),
        F("target_m3", "Volume", storage=30),
    ),
    status=Status(mask=0xFFFF),
    decode=_decode,
)
