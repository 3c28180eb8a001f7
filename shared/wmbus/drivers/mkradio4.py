"""Techem MK radio 4 water meter, manufacturer telegram (CI 0xA2, versions 0x70 and 0x95).
The payload after the CI has MK radio 3's layout for the volumes (see mkradio3.py):

    [3:5] volume at the set date, 16 bits LE, 0.1 m³
    [7:9] volume since the set date, 16 bits LE, 0.1 m³; the meter reading is their sum.

Bytes 0-2 and 5-6 (dates in MK radio 3) are not decoded here: no published MK radio 4
telegram documents them, so no set date is given."""
from ..driver import Driver
from . import _techem as tm


def _decode(t, rec, out):
    d = t.payload
    o = t.pos
    if t.end - o < 9:
        out["payload_error"] = "%d bytes after the CI, the layout needs 9" % (
            t.end - o)
        return
    target = tm.u16(d, o + 3)
    out["target_m3"] = target / 10
    out["total_m3"] = (target + tm.u16(d, o + 7)) / 10


DRIVER = Driver(
    "mkradio4", "WaterMeter", "warm water",
    detect=(("TCH", 0x95, 0x62), ("TCH", 0x70, 0x62), ("TCH", 0x95, 0x72),
            ("TCH", 0x70, 0x72)),
    media_map={0x62: "warm water", 0x72: "cold water"},
    records=False,
    decode=_decode,
)
