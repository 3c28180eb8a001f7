"""Reading CBOR (RFC 8949, the subset our records use): the host's side of cbor.py. Kept
apart so the collector, which only writes records, does not hold the reader in RAM; the
writer never imports this module."""
import struct

from .cbor import CBORError


def _f16(h):
    e = (h >> 10) & 0x1F
    m = h & 0x3FF
    if e == 0:
        v = m * 2.0 ** -24
    elif e == 31:
        v = float("inf") if m == 0 else float("nan")
    else:
        v = (1 + m / 1024) * 2.0 ** (e - 15)
    return -v if h & 0x8000 else v


def _decode(b, i, depth):
    if i >= len(b):
        raise CBORError("truncated at byte %d" % i)
    if depth > 16:
        raise CBORError("nested too deep at byte %d" % i)
    ib = b[i]
    major = ib >> 5
    ai = ib & 0x1F
    i += 1
    if major == 7:
        if ai == 20:
            return False, i
        if ai == 21:
            return True, i
        if ai == 22 or ai == 23:
            return None, i
        if ai == 25:
            if i + 2 > len(b):
                raise CBORError("truncated float16 at byte %d" % i)
            return _f16(b[i] << 8 | b[i + 1]), i + 2
        if ai == 26:
            if i + 4 > len(b):
                raise CBORError("truncated float32 at byte %d" % i)
            return struct.unpack(">f", bytes(b[i:i + 4]))[0], i + 4
        if ai == 27:
            if i + 8 > len(b):
                raise CBORError("truncated float64 at byte %d" % i)
            return struct.unpack(">d", bytes(b[i:i + 8]))[0], i + 8
        raise CBORError("unsupported simple value %d at byte %d" % (ai, i - 1))
    if ai < 24:
        n = ai
    elif ai <= 27:
        size = 1 << (ai - 24)
        if i + size > len(b):
            raise CBORError("truncated length at byte %d" % i)
        n = 0
        for k in range(size):
            n = n << 8 | b[i + k]
        i += size
    else:
        raise CBORError("indefinite or reserved length at byte %d" % (i - 1))
    if major == 0:
        return n, i
    if major == 1:
        return -1 - n, i
    if major == 2 or major == 3:
        if i + n > len(b):
            raise CBORError("string of %d bytes truncated at byte %d" % (n, i))
        s = bytes(b[i:i + n])
        if major == 3:
            try:
                s = s.decode()
            except UnicodeError:
                raise CBORError("text string is not UTF-8 at byte %d" % i)
        return s, i + n
    if major == 4:
        if n > len(b):
            raise CBORError("array of %d items cannot fit" % n)
        arr = []
        for _ in range(n):
            v, i = _decode(b, i, depth + 1)
            arr.append(v)
        return arr, i
    if major == 5:
        if n > len(b):
            raise CBORError("map of %d items cannot fit" % n)
        d = {}
        for _ in range(n):
            k, i = _decode(b, i, depth + 1)
            if isinstance(k, (list, dict)):
                raise CBORError("map key is not a scalar at byte %d" % i)
            v, i = _decode(b, i, depth + 1)
            d[k] = v
        return d, i
    raise CBORError("tags are not used by our records (byte %d)" % (i - 1))


def loads(b):
    """Decode one CBOR item that fills b exactly; CBORError names what is wrong."""
    v, i = _decode(b, 0, 0)
    if i != len(b):
        raise CBORError("%d bytes after the item" % (len(b) - i))
    return v
