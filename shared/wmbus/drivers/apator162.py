"""Apator AT-WMBUS-16-2 water meter (apator162).

The payload (after 2F 2F fillers) is not DIF/VIF records: one lead byte (0x0F, older
meters 0x80), 7 status bytes, then registers, each an id byte and a payload whose length
the id fixes, then 0xFF padding and a 2-byte checksum. Register 0x10 is the meter reading
in litres (uint32 little-endian). Register lengths as wmbusmeters' apator162 grammar lists
them. A register id not in the table ends the walk: the reading is then left out (and
named in "unknown_register"), never guessed."""
from ..driver import Driver, le_uint

# register id -> payload bytes
_SIZES = {
    0x00: 4, 0x01: 3, 0x10: 4, 0x11: 2, 0x40: 6, 0x41: 2, 0x42: 4, 0x43: 2, 0x44: 3,
    0x8A: 9, 0x8B: 6, 0x8C: 6, 0x8E: 7,
    0xA0: 4, 0xA1: 4, 0xA2: 1, 0xA3: 7, 0xA4: 4, 0xA5: 1, 0xA6: 3, 0xA9: 1, 0xAF: 1,
    0xB0: 5, 0xB1: 8, 0xB2: 16, 0xB3: 8, 0xB4: 2, 0xB5: 16, 0xD0: 3, 0xD3: 3, 0xF0: 4,
}
for _r in (0x80, 0x81, 0x82, 0x83, 0x84, 0x86, 0x87):
    _SIZES[_r] = 10
for _r in (0x85, 0x88, 0x8F):
    _SIZES[_r] = 11
for _r in (0xA7, 0xA8, 0xAA, 0xAB, 0xAC, 0xAD):
    _SIZES[_r] = 2
for _r in range(0xB6, 0xC8):
    _SIZES[_r] = 3
for _r in range(0x71, 0x7D):                    # a count byte and (id - 0x6F) quads
    _SIZES[_r] = 1 + 4 * (_r - 0x70 + 1)
REG_TOTAL_L = 0x10


def _decode(t, rec, out):
    d = t.payload
    p = t.pos
    end = t.end
    while p < end and d[p] == 0x2F:
        p += 1
    p += 1 + 7                                  # lead byte, status
    stop = end - 2                              # the checksum
    while p < stop:
        reg = d[p]
        if reg == 0xFF:                         # padding before the checksum
            return
        n = _SIZES.get(reg)
        if n is None or p + 1 + n > stop:
            out["unknown_register"] = "%02X" % reg
            return
        if reg == REG_TOTAL_L:
            out["total_m3"] = le_uint(d, p + 1, 4) / 1000
        p += 1 + n


DRIVER = Driver(
    "apator162", "WaterMeter", "water",
    detect=(("APA", 0x05, 0x06), ("APA", 0x05, 0x07)),
    records=False,
    decode=_decode,
)
