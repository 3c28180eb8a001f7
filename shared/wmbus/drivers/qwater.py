"""Qundis Q water 5.5 (qwater): water meters and their radio converters.

Two payloads: standard records (CI 0x7A/0x72: total, due date, day-17 value, flow, error
date), and the walk-by manufacturer record of CI 0x78 frames (0D FF 5F, 53 bytes) holding
the same readings at fixed offsets: total (BCD8, litres) at 12, due date (type G) at 16,
due value at 18, day-17 date at 22, day-17 value at 24 (Qundis' layout as wmbusmeters'
qwater driver reads it; a record of another length is not read)."""
from .. import mbdate
from ..driver import AT_ERROR, INSTANT, MFCT_VIF, Driver, F

NO_DATE = None          # all-ones dates print as null
WALK_BY = 0x5F          # VIFE after FF of the walk-by record
WALK_BY_LEN = 53


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
    i = rec.find(MFCT_VIF, MFCT_VIF, INSTANT, 0, 0, 0, WALK_BY)
    if i < 0 or rec.length(i) != WALK_BY_LEN:
        return
    d = rec.data
    o = rec.offset(i)
    out["total_m3"] = _bcd_l(d, o + 12)
    out["due_date"] = _date(d, o + 16)
    out["due_date_m3"] = _bcd_l(d, o + 18)
    out["due_17_date"] = _date(d, o + 22)
    out["due_17_date_m3"] = _bcd_l(d, o + 24)


DRIVER = Driver(
    "qwater", "WaterMeter", "water",
    detect=(("QDS", 0x16, 0x06), ("QDS", 0x17, 0x06), ("QDS", 0x17, 0x07),
            ("QDS", 0x18, 0x06), ("QDS", 0x18, 0x07), ("QDS", 0x19, 0x07),
            ("QDS", 0x1A, 0x06), ("QDS", 0x1A, 0x07), ("QDS", 0x1D, 0x06),
            ("QDS", 0x35, 0x06), ("QDS", 0x35, 0x07), ("QDS", 0x35, 0x37),
            ("QDS", 0x33, 0x37)),
    fields=(
        F("total_m3", "Volume"),
        F("due_date_m3", "Volume", storage=1),
        F("due_date", "Date", storage=1, invalid=NO_DATE),
        F("due_17_date_m3", "Volume", storage=17),
        F("due_17_date", "Date", storage=17, invalid=NO_DATE),
        F("volume_flow_m3h", "VolumeFlow", comb=-2),
        F("error_date", "Date", mtype=AT_ERROR, invalid=NO_DATE),
        F("meter_datetime", "DateTime"),
    ),
    decode=_decode,
    billing=('total_m3', 'due_date_m3', 'due_date'),
    status=True,
)
