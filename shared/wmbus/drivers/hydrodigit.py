"""Bmeters Hydrodigit water meter (hydrodigit): reading and clock from standard records; the
manufacturer record (DIF 0x0F) starts with a contents byte (bit 0 battery voltage, 1 fraud
date, 2 backflow, 4 monthly data, 7 leak date), then a battery byte, the backflow (uint32
litres), fraud and leak dates (4 bytes each, zero = none) and twelve monthly totals (uint24,
1/100 m³, January first) when present. The battery byte's low nibble is a voltage step
(table as wmbusmeters' hydrodigit driver gives it)."""
from ..driver import Driver, F

_CONTENTS = ((0x01, "BATTERY_VOLTAGE"), (0x02, "FRAUD_DATE"), (0x04, "BACKFLOW"),
             (0x80, "LEAK_DATE"), (0x10, "MONTHLY_DATA"))
# battery byte low nibble -> volts (0, 14 and 15: full, 3.7 V)
_VOLTS = (3.7, 1.9, 2.1, 2.2, 2.3, 2.4, 2.5, 2.65, 2.8, 2.9, 3.05, 3.2, 3.35, 3.5, 3.7, 3.7)
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")


def _decode(t, rec, out):
    i = rec.find(0x3FF, 0x3FF, -1, -1, -1, -1, -2)
    if i < 0:
        return
    d = rec.data
    o = rec.a[i * 11 + 6]
    end = o + rec.a[i * 11 + 7]
    c = d[o]
    names = [n for bit, n in _CONTENTS if c & bit]
    names.sort()
    out["contents"] = " ".join(names)
    p = o + 1
    if c & 0x01 and p < end:
        out["voltage_v"] = _VOLTS[d[p] & 0x0F]
        p += 1
    if c & 0x04 and p + 4 <= end:
        out["backflow_m3"] = (d[p] | d[p + 1] << 8 | d[p + 2] << 16 | d[p + 3] << 24) / 1000
        p += 4
    if c & 0x02 and p + 4 <= end:
        out["fraud_date"] = None
        out["fraud_type"] = "NO_TYPE_INFO"
        p += 4
    if c & 0x80 and p + 4 <= end:
        out["leak_date"] = None
        p += 4
    if c & 0x10:
        for m in range(12):
            if p + 3 > end:
                break
            out["%s_total_m3" % _MONTHS[m]] = (d[p] | d[p + 1] << 8 | d[p + 2] << 16) / 100
            p += 3


DRIVER = Driver(
    "hydrodigit", "WaterMeter", "water",
    detect=(("BMT", 0x13, 0x07), ("BMT", 0x15, 0x07), ("BMT", 0x17, 0x06), ("BMT", 0x17, 0x07)),
    fields=(
        F("meter_datetime", "DateTime"),
        F("total_m3", "Volume"),
    ),
    decode=_decode,
)
