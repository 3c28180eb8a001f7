"""A small CBOR (RFC 8949) encoder/decoder for MicroPython and CPython: unsigned and
negative integers, byte and text strings, arrays, maps, float64 (decodes 16/32/64-bit
floats), false/true/null. Definite lengths only (all our writers use them).
"""
import struct


class CBORError(ValueError):
    pass


class FixedWriter:
    """Writes CBOR into a preallocated bytearray (append/extend like a bytearray), so the
    collector encodes a record without growing buffers; ValueError when it is full."""

    def __init__(self, buf):
        self.buf = buf
        self.n = 0

    def append(self, b):
        if self.n >= len(self.buf):
            raise ValueError("record does not fit %d bytes" % len(self.buf))
        self.buf[self.n] = b
        self.n += 1

    def extend(self, bs):
        k = len(bs)
        if self.n + k > len(self.buf):
            raise ValueError("record does not fit %d bytes" % len(self.buf))
        self.buf[self.n:self.n + k] = bs
        self.n += k

    def pack_float(self, v):
        if self.n + 9 > len(self.buf):
            raise ValueError("record does not fit %d bytes" % len(self.buf))
        self.buf[self.n] = 0xFB
        struct.pack_into(">d", self.buf, self.n + 1, v)
        self.n += 9


_TEXT = {}      # field names repeat in every record: their UTF-8 bytes, encoded once


def _head(out, major, n):
    if n < 24:
        out.append(major << 5 | n)
    elif n < 0x100:
        out.append(major << 5 | 24)
        out.append(n)
    elif n < 0x10000:
        out.append(major << 5 | 25)
        out.append(n >> 8)
        out.append(n & 0xFF)
    elif n < 0x100000000:
        out.append(major << 5 | 26)
        for sh in (24, 16, 8, 0):
            out.append((n >> sh) & 0xFF)
    else:
        out.append(major << 5 | 27)
        out.extend(struct.pack(">Q", n))


def encode_into(out, v):
    """Append the encoding of v to the bytearray `out`."""
    if v is None:
        out.append(0xF6)
    elif v is True:
        out.append(0xF5)
    elif v is False:
        out.append(0xF4)
    elif isinstance(v, int):
        if v >= 0:
            _head(out, 0, v)
        else:
            _head(out, 1, -1 - v)
    elif isinstance(v, float):
        pf = getattr(out, "pack_float", None)
        if pf is not None:
            pf(v)
        else:
            out.append(0xFB)
            out.extend(struct.pack(">d", v))
    elif isinstance(v, str):
        b = _TEXT.get(v)
        if b is None:
            b = v.encode()
            if len(v) < 40 and len(_TEXT) < 32:
                _TEXT[v] = b
        _head(out, 3, len(b))
        out.extend(b)
    elif isinstance(v, (bytes, bytearray, memoryview)):
        _head(out, 2, len(v))
        out.extend(v)
    elif isinstance(v, (list, tuple)):
        _head(out, 4, len(v))
        for x in v:
            encode_into(out, x)
    elif isinstance(v, dict):
        _head(out, 5, len(v))
        for k in v:
            encode_into(out, k)
            encode_into(out, v[k])
    else:
        raise CBORError("cannot encode %s" % type(v).__name__)


def dumps(v):
    out = bytearray()
    encode_into(out, v)
    return bytes(out)


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
