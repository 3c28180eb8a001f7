"""Bmeters Hydrodigit water meter (hydrodigit): reading and clock from standard records; the
manufacturer record (DIF 0x0F) starts with a contents byte saying which blocks follow, in
this order (Bmeters' layout as wmbusmeters' hydrodigit grammar lists it):

    bit 0  battery byte (low nibble: a voltage step, table below)
    bit 1  fraud: a type byte (bits 5-7) and the date (BCD year, month nibble, BCD day)
    bit 7  leak date (BCD year, month, day)
    bit 2  backflow (uint32 LE, litres)
    bit 4  twelve monthly totals, January first (uint24 LE, 1/100 m³; 10^7 and above:
           no value yet, printed 0)

A date of zeros is no date (null)."""
from ..driver import ANY, ANY_COMB, MFCT_DATA, Driver, F, flag_names, le_uint

CONTENTS_MASK = 0x97
_CONTENTS = ((0x01, "BATTERY_VOLTAGE"), (0x02, "FRAUD_DATE"), (0x80, "LEAK_DATE"),
             (0x04, "BACKFLOW"), (0x10, "MONTHLY_DATA"))
_FRAUD_TYPES = ((0x80, "MAGNETIC_FRAUD_ATTEMPT"), (0x40, "SENSOR_FRAUD_ATTEMPT"),
                (0x20, "MODULE_REMOVED"))
# battery byte low nibble -> volts (0, 14 and 15: full, 3.7 V)
_VOLTS = (3.7, 1.9, 2.1, 2.2, 2.3, 2.4, 2.5, 2.65, 2.8, 2.9, 3.05, 3.2, 3.35, 3.5, 3.7, 3.7)
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_NO_VALUE = 10000000


def _bcd(b):
    return (b >> 4) * 10 + (b & 0x0F)


def _date(y, m, d):
    if not 1 <= m <= 12 or d < 1:
        return None
    return "%04d-%02d-%02d" % (2000 + y, m, d)


def _decode(t, rec, out):
    i = rec.find(MFCT_DATA, MFCT_DATA, ANY, ANY, ANY, ANY, ANY_COMB)
    if i < 0 or rec.length(i) < 1:
        return
    d = rec.data
    o = rec.offset(i)
    end = o + rec.length(i)
    c = d[o]
    names = flag_names(c & CONTENTS_MASK, _CONTENTS)
    names.sort()
    out["contents"] = " ".join(names)
    p = o + 1
    if c & 0x01 and p + 1 <= end:
        out["voltage_v"] = _VOLTS[d[p] & 0x0F]
        p += 1
    if c & 0x02 and p + 4 <= end:
        types = flag_names(d[p] & 0xE0, _FRAUD_TYPES)
        out["fraud_type"] = " ".join(sorted(types)) if types else "NO_TYPE_INFO"
        out["fraud_date"] = _date(_bcd(d[p + 1]), d[p + 2] & 0x0F, _bcd(d[p + 3]))
        p += 4
    if c & 0x80 and p + 3 <= end:
        out["leak_date"] = _date(_bcd(d[p]), _bcd(d[p + 1]), _bcd(d[p + 2]))
        p += 3
    if c & 0x04 and p + 4 <= end:
        out["backflow_m3"] = le_uint(d, p, 4) / 1000
        p += 4
    if c & 0x10:
        for m in range(12):
            if p + 3 > end:
                break
            raw = le_uint(d, p, 3)
            out["%s_total_m3" % _MONTHS[m]] = raw / 100 if raw < _NO_VALUE else 0
            p += 3


DRIVER = Driver(
    "hydrodigit", "WaterMeter", "water",
    detect=(("BMT", 0x13, 0x06), ("BMT", 0x17, 0x06), ("BMT", 0x13, 0x07),
            ("BMT", 0x15, 0x07), ("BMT", 0x17, 0x07)),
    fields=(
        F("meter_datetime", "DateTime"),
        F("total_m3", "Volume"),
    ),
    decode=_decode,
)
