"""Raw frames: removing the data-link-layer CRCs of frame formats A and B (EN 13757-4) and
reading wired M-Bus long frames. Radio modules deliver frames without CRCs, so the collector
does not load this module; captures and wired meters on the host do."""
from .crc import crc16
from .errors import CRC, WMBusError


def _check(data, start, end, what):
    got = data[end] << 8 | data[end + 1]
    if crc16(data, start, end) != got:
        raise WMBusError("CRC error in %s" % what, None, CRC)


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


def normalise(frame, frame_format="auto"):
    """link.normalise_frame for the frames that are not plainly CRC-free."""
    n = len(frame)
    if n < 11:
        raise WMBusError("frame too short (%d bytes)" % n)
    if frame_format == "A":
        return strip_format_a(frame)
    if frame_format == "B":
        return strip_format_b(frame)
    L = frame[0]
    if n == L + 1:
        if frame_format == "auto" and n > 130 and is_format_b_long(frame):
            return strip_format_b(frame)     # a long C1 frame (format B) with its CRCs
        return frame
    if frame_format == "auto" and n == format_a_length(L):
        return strip_format_a(frame)
    if n > L + 1 and frame_format != "none":
        # more bytes than the L-field says: meters with a wrong L-field exist, and the
        # records parser stops cleanly at a cut record, so keep them all (as wmbusmeters does)
        return frame
    raise WMBusError("frame length %d does not match its L-field %d" % (n, L))


def parse_wired(t, frame):
    """Wired M-Bus long frame 68 L L 68 C A CI ... CS 16 into Telegram t."""
    L = frame[1]
    if frame[2] != L:
        raise WMBusError("wired M-Bus frame: L-fields differ (%d, %d)" % (L, frame[2]))
    if len(frame) < L + 6:
        raise WMBusError("wired M-Bus frame truncated: %d of %d bytes" % (len(frame), L + 6))
    s = 0
    for i in range(4, 4 + L):
        s += frame[i]
    if (s & 0xFF) != frame[4 + L]:
        raise WMBusError("wired M-Bus frame: checksum error", None, CRC)
    if frame[5 + L] != 0x16:
        raise WMBusError("wired M-Bus frame: no stop byte 0x16")
    t.reset(frame)
    t.wired = True
    t.c = frame[4]
    t.end = 4 + L
