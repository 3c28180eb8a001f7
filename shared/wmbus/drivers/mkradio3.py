"""Techem MK radio 3 water meter, manufacturer telegram (CI 0xA2):

    [0] status  [1:3] set date  [3:5] volume at the set date (0.1 m³)  [5:7] current date
    [7:9] volume since the set date (0.1 m³); the meter reading is their sum."""
from ..driver import Driver
from . import _techem as tm


def _decode(t, rec, out):
    d = t.payload
    o = t.pos
    if t.end - o < 9:
        return
    prev = tm.previous_date(d, o + 1)
    target = tm.u16(d, o + 3) / 10
    out["prev_date"] = tm.text(prev)
    out["target_m3"] = target
    out["current_date"] = tm.text(tm.current_date(d, o + 5, prev))
    out["total_m3"] = round(target + tm.u16(d, o + 7) / 10, 6)


DRIVER = Driver(
    "mkradio3", "WaterMeter", "warm water",
    detect=(("TCH", 0x74, 0x62), ("TCH", 0x74, 0x72)),
    media_map={0x62: "warm water", 0x72: "water"},
    records=False,
    decode=_decode,
    billing=('total_m3', 'target_m3', 'prev_date'),
)
