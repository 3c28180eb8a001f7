"""Qundis Q water 5.5 (qwater): water meters and their radio converters.

Two payloads: standard records (CI 0x7A/0x72: total, due date, day-17 value, flow, error
date), and the compact manufacturer record of CI 0x78 frames (0D FF 5F + LVAR) holding the
same readings at fixed offsets: error date (type G) at 10, total (BCD8, litres) at 12, due
date at 16, due value at 18, day-17 date at 22, day-17 value at 24."""
from .. import mbdate
from ..driver import Driver, F

NO_DATE = None          # all-ones dates print as null


def _bcd_l(d, o):
    v = 0
    for k in range(3, -1, -1):
        x = d[o + k]
        v = v * 100 + (x >> 4) * 10 + (x & 0x0F)
    return v / 1000


def _date(d, o):
    if d[o] == 0xFF and d[o + 1] == 0xFF:
        return NO_DATE
    return mbdate.type_g(d[o], d[o + 1])


def _decode(t, rec, out):
    i = rec.find(0x37F, 0x37F, 0, 0, 0, 0, 0x5F)
    if i < 0 or rec.a[i * 11 + 7] < 28:
        return
    d = rec.data
    o = rec.a[i * 11 + 6]
    out["total_m3"] = _bcd_l(d, o + 12)
    out["due_date"] = _date(d, o + 16)
    out["due_date_m3"] = _bcd_l(d, o + 18)
    out["due_17_date"] = _date(d, o + 22)
    out["due_17_date_m3"] = _bcd_l(d, o + 24)
    e = _date(d, o + 10)
    if e is not None:
        out["error_date"] = e


DRIVER = Driver(
    "qwater", "WaterMeter", "water",
    detect=(("QDS", 0x16, 0x06), ("QDS", 0x17, 0x06), ("QDS", 0x17, 0x07),
            ("QDS", 0x18, 0x06), ("QDS", 0x18, 0x07), ("QDS", 0x19, 0x07),
            ("QDS", 0x1A, 0x06), ("QDS", 0x1A, 0x07), ("QDS", 0x1D, 0x06),
            ("QDS", 0x35, 0x06), ("QDS", 0x35, 0x07), ("QDS", 0x35, 0x37)),
    fields=(
        F("total_m3", "Volume"),
        F("due_date_m3", "Volume", storage=1),
        F("due_date", "Date", storage=1, invalid=NO_DATE),
        F("due_17_date_m3", "Volume", storage=17),
        F("due_17_date", "Date", storage=17, invalid=NO_DATE),
        F("volume_flow_m3h", "VolumeFlow", comb=-2),
        F("error_date", "Date", mtype=3, invalid=NO_DATE),
        F("meter_datetime", "DateTime"),
    ),
    decode=_decode,
    billing=('total_m3', 'due_date_m3', 'due_date'),
    status=True,
)
