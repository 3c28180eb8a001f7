"""A small CBOR (RFC 8949) encoder/decoder for MicroPython and CPython: unsigned and
negative integers, byte and text strings, arrays, maps, float64 (decodes 16/32/64-bit
floats), false/true/null. Definite lengths only (all our writers use them).

This module writes; the reader is cbor_read.py (it imports CBORError from here, never the
reverse), so the collector, which only writes records, does not hold the reader in RAM.
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
