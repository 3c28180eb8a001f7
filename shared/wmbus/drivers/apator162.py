"""Apator AT-WMBUS-16-2 water meter (apator162).

The payload after 2F 2F is manufacturer data (DIF 0x0F): a 7-byte header, then registers,
each an id byte and a payload whose length the id decides; register 0x10 is the meter
reading in litres (uint32 little-endian). Register lengths as observed in the published
telegrams: 0x43 -> 2, 0x71 -> 9, 0x80-0x8F -> 10, 0xA0-0xAF -> 4, 0x10 -> 4. An unknown
register ends the walk (the reading is then left out, never guessed)."""
from ..driver import Driver

_SIZES = {0x43: 2, 0x71: 9, 0x10: 4}


def _size(reg):
    s = _SIZES.get(reg)
    if s is None:
        if 0x80 <= reg <= 0x8F:
            return 10
        if 0xA0 <= reg <= 0xAF:
            return 4
    return s


def _decode(t, rec, out):
    i = rec.find(0x3FF, 0x3FF, -1, -1, -1, -1, -2)
    if i < 0:
        return
    d = rec.data
    p = rec.a[i * 11 + 6] + 7
    end = p - 7 + rec.a[i * 11 + 7]
    while p < end:
        reg = d[p]
        n = _size(reg)
        if n is None or p + 1 + n > end:
            return
        if reg == 0x10:
            out["total_m3"] = (d[p + 1] | d[p + 2] << 8 | d[p + 3] << 16 | d[p + 4] << 24) / 1000
            return
        p += 1 + n


DRIVER = Driver(
    "apator162", "WaterMeter", "water",
    detect=(("APA", 0x05, 0x07), ("APA", 0x05, 0x06)),
    decode=_decode,
)
