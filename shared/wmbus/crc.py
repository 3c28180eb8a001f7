"""CRC-16 of EN 13757-4 (polynomial 0x3D65, initial 0, result complemented). Removing the
data-link-layer CRCs from raw frames is in rawframe.py (radio modules deliver frames
without them, so the collector never loads it)."""

from array import array

_TABLE = None


def _table():
    # 16-bit entries: 512 bytes in one block (a list of 256 ints wants 2 kB contiguous on a
    # 64-bit port, which a fragmented collector heap may not have)
    global _TABLE
    if _TABLE is None:
        t = array("H", bytes(512))
        for i in range(256):
            c = i << 8
            for _ in range(8):
                c = ((c << 1) ^ 0x3D65) if c & 0x8000 else (c << 1)
            t[i] = c & 0xFFFF
        _TABLE = t
    return _TABLE


def crc16(data, start=0, end=None):
    t = _table()
    if end is None:
        end = len(data)
    c = 0
    for i in range(start, end):
        c = ((c << 8) & 0xFFFF) ^ t[((c >> 8) ^ data[i]) & 0xFF]
    return c ^ 0xFFFF
