"""CRC-16 of EN 13757-4 (polynomial 0x3D65, initial 0, result complemented) and removal of
the data-link-layer CRCs from raw frames (frame format A and B)."""
from .errors import WMBusError

_TABLE = None


def _table():
    global _TABLE
    if _TABLE is None:
        t = []
        for i in range(256):
            c = i << 8
            for _ in range(8):
                c = ((c << 1) ^ 0x3D65) if c & 0x8000 else (c << 1)
            t.append(c & 0xFFFF)
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


def _check(data, start, end, what):
    got = data[end] << 8 | data[end + 1]
    if crc16(data, start, end) != got:
        raise WMBusError("CRC error in %s" % what)


def strip_format_a(raw):
    """Frame format A: a 10-byte first block + CRC, then 16-byte blocks + CRC each (the last
    block shorter). Returns the frame without CRCs; WMBusError on a CRC mismatch."""
    n = len(raw)
    if n < 12:
        raise WMBusError("frame too short for format A (%d bytes)" % n)
    _check(raw, 0, 10, "block 1")
    out = bytearray(raw[0:10])
    i, blk = 12, 2
    while i < n:
        j = min(i + 16, n - 2)
        if j <= i:
            raise WMBusError("truncated block %d" % blk)
        _check(raw, i, j, "block %d" % blk)
        out += raw[i:j]
        i = j + 2
        blk += 1
    return bytes(out)


def is_format_b_long(raw):
    """True if raw is a format-B frame of more than 128 bytes with both its CRCs in place
    (block 1+2 and block 3): two matching CRC-16 make a false positive about 1 in 4e9. A
    shorter format-B frame has one CRC only and cannot be told from a frame without CRCs."""
    n = len(raw)
    if n <= 130 or raw[0] + 1 != n:
        return False
    return crc16(raw, 0, 126) == (raw[126] << 8 | raw[127]) and \
        crc16(raw, 128, n - 2) == (raw[n - 2] << 8 | raw[n - 1])


def format_a_length(l_field):
    """Number of bytes of a format-A frame with CRCs whose L-field is l_field."""
    data = l_field - 9  # bytes after the first block
    return 12 + data + 2 * ((data + 15) // 16)


def strip_format_b(raw):
    """Frame format B: block 1+2 (up to 128 bytes incl. L) end with one CRC, an optional
    block 3 with its own CRC. L counts the CRC bytes."""
    n = len(raw)
    if n < 12:
        raise WMBusError("frame too short for format B (%d bytes)" % n)
    first = min(n, 128)
    _check(raw, 0, first - 2, "format B block 2")
    out = bytearray(raw[0:first - 2])
    if n > 128:
        _check(raw, 128, n - 2, "format B block 3")
        out += raw[128:n - 2]
    out[0] = len(out) - 1
    return bytes(out)
