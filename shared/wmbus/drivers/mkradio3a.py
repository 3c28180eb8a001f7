"""Techem MK radio 3a water meter, manufacturer telegram (CI 0xA2, version 0x50). Layout of
the payload after the CI (from wmbusmeters' mkradio3a description, checked on its example):

    [0:2] not decoded  [2:4] date of the telegram, 16 bits LE: day bits 0-4, month bits
    5-8, year from 2000 bits 9-15  [4:7] meter reading, 24 bits LE, 0.1 m³
    [7:43] 12 times: 1 byte not decoded, then 2 bytes of half-month consumption (low
    byte, high byte; 0.1 m³), newest first  [43] 1 byte not decoded.

The consumption of month k back (0 = this month) is the two halves of word k when the
day is after the 15th, else the high half of word k-1 and the low half of word k (the
first half of this month is in word 0's low byte). Named as wmbusmeters names them:
target_m3 (this month's consumption, not a meter reading at a set date), last_<month>_m3
(that month's consumption) and target_date (the telegram's date). No set-date reading:
the meter sends none."""
from ..driver import Driver
from . import _techem as tm

_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
           "dec")
_NAMES = tuple("last_%s_m3" % m for m in _MONTHS)


def _decode(t, rec, out):
    d = t.payload
    o = t.pos
    if t.end - o < 44:
        out["payload_error"] = "%d bytes after the CI, the layout needs 44" % (
            t.end - o)
        return
    year, month, day = tm.previous_date(d, o + 2)
    out["total_m3"] = (d[o + 4] | d[o + 5] << 8 | d[o + 6] << 16) / 10
    if not 1 <= month <= 12 or not 1 <= day <= 31:
        out["date_error"] = "telegram date 0x%04X is not a date" % tm.u16(d, o + 2)
        return
    out["target_date"] = tm.text((year, month, day))
    late = day > 15
    prev_hi = 0
    for k in range(12):
        w = o + 7 + 3 * k + 1
        lo, hi = d[w], d[w + 1]
        used = lo + hi if late else prev_hi + lo
        prev_hi = hi
        v = used / 10
        if k == 0:
            out["target_m3"] = v
        out[_NAMES[(month - 1 - k) % 12]] = v


DRIVER = Driver(
    "mkradio3a", "WaterMeter", "water",
    detect=(("TCH", 0x50, 0x72),),
    media_map={0x62: "warm water", 0x72: "cold water"},
    records=False,
    decode=_decode,
)
