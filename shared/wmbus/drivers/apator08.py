"""Apator 08 water meter (apator08), manufacturer CI 0xA0: the payload starts with the
counter (uint32 LE) in thirds of a litre (as wmbusmeters' apator08 driver scales it: litres
/ 3); the rest is not decoded. The meter reports a gas or "unknown" device type, printed as
such."""
from ..driver import Driver, le_uint


def _decode(t, rec, out):
    d = t.payload
    o = t.pos
    if t.end - o < 4:
        return
    raw = le_uint(d, o, 4)
    out["total_m3"] = round(raw / 3000, 6)


DRIVER = Driver(
    "apator08", "WaterMeter", "gas",
    detect=(("APT", 0x03, 0x03), ("APT", 0x0F, 0x0F)),
    records=False,
    decode=_decode,
)
