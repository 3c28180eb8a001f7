"""Apator 17.2 water meter (apator172), manufacturer CI 0xA0: the payload starts with a
counter (uint32 LE, litres) whose ticks are 3/10 of a litre's tenth: total = counter x 10/3
tenths of a cubic metre, rounded to 0.1 m³ (scaling as wmbusmeters' apator172 driver)."""
from ..driver import Driver, le_uint


def _decode(t, rec, out):
    d = t.payload
    o = t.pos
    if t.end - o < 4:
        return
    raw = le_uint(d, o, 4)
    tenths = (raw * 10 * 2 + 3) // 6          # round(raw * 10 / 3), halves up, in integers
    out["total_m3"] = tenths / 10


DRIVER = Driver(
    "apator172", "WaterMeter", "water",
    detect=(("APT", 0x04, 0x11),),
    media_from_type=False,
    records=False,
    decode=_decode,
)
