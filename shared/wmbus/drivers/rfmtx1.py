"""B METERS RFM-TX1 radio module on a water meter (BMT, version 0x05). The TPL header
(CI 0x7A) is followed by the maker's own payload, not DIF/VIF records (layout from
wmbusmeters' rfmtx1 description, checked on its example):

    [0:2] not decoded  [2:6] meter reading, 4 bytes scrambled: byte i XOR the access
    number XOR row (access number & 15) of table i below gives two BCD digits of litres,
    least significant byte first  [6:13] not decoded  [13:19] the meter's clock, BCD:
    second, minute, hour, day, month, year (from 2000)  [19:] not decoded (history).

The clock is printed as the meter stores it (wmbusmeters' example prints it one hour
later: its date arithmetic runs in local time)."""
from ..driver import Driver

# the scrambling tables (one row per value of access number & 15), per byte of the reading
_T0 = bytes((122, 112, 185, 121, 7, 50, 156, 180, 10, 240, 22, 12, 74, 119, 189, 57))
_T1 = bytes((16, 19, 11, 7, 154, 161, 126, 196, 206, 5, 152, 201, 72, 46, 120, 111))
_T2 = bytes((26, 34, 142, 74, 203, 57, 96, 128, 25, 165, 17, 125, 228, 138, 87, 40))
_T3 = bytes((10, 19, 153, 22, 105, 14, 153, 163, 3, 134, 94, 162, 31, 232, 140, 5))
_TABLES = (_T0, _T1, _T2, _T3)


def _bcd(b):
    hi, lo = b >> 4, b & 0x0F
    if hi > 9 or lo > 9:
        return -1
    return hi * 10 + lo


def _decode(t, rec, out):
    d = t.payload
    o = t.pos
    if t.end - o < 19:
        out["payload_error"] = "%d bytes after the CI, the layout needs 19" % (
            t.end - o)
        return
    acc = t.tpl_acc
    row = acc & 15
    litres = 0
    scale = 1
    for i in range(4):
        v = _bcd(d[o + 2 + i] ^ acc ^ _TABLES[i][row])
        if v < 0:
            out["reading_error"] = "descrambled reading is not BCD"
            return
        litres += v * scale
        scale *= 100
    out["total_m3"] = litres / 1000
    c = [_bcd(d[o + 13 + i]) for i in range(6)]    # s, min, h, day, month, year
    if min(c) < 0 or not 1 <= c[4] <= 12 or not 1 <= c[3] <= 31 or c[2] > 23 or c[1] > 59:
        out["clock_error"] = "meter clock bytes are not a BCD date and time"
        return
    out["meter_datetime"] = "20%02d-%02d-%02d %02d:%02d" % (c[5], c[4], c[3], c[2], c[1])


DRIVER = Driver(
    "rfmtx1", "WaterMeter", "water",
    detect=(("BMT", 0x05, 0x07),),
    records=False,
    decode=_decode,
)
