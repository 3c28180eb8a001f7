"""AES-128 for the codec with one small interface on both interpreters.

MicroPython has only `cryptolib.aes` (ECB mode 1, CBC mode 2); CTR and CMAC are built here on
ECB. CPython gets the same `aes` class on OpenSSL (_aes_cpython.py), so one code path serves
both interpreters and gives identical results (tested on OMS vectors and RFC 4493 CMAC
vectors).
"""
from .errors import WMBusError

try:
    from cryptolib import aes as _aes  # MicroPython
except ImportError:
    try:
        from ._aes_cpython import aes as _aes  # CPython: the same interface on OpenSSL
    except ImportError:  # an interpreter without AES: plain telegrams decode, others say why
        _aes = None

_ZERO16 = bytes(16)


def _cipher(key, mode, iv=None):
    if _aes is None:
        raise WMBusError("cannot decrypt: no AES on this interpreter (cryptolib or cryptography)")
    return _aes(key, mode, iv) if iv is not None else _aes(key, mode)


def cbc_decrypt(key, iv, data):
    """AES-128-CBC decryption of whole 16-byte blocks."""
    out = bytearray(len(data))
    _cipher(key, 2, iv).decrypt(data, out)
    return out


def cbc_decrypt_into(key, iv, src, dst):
    """AES-128-CBC decryption of src (whole blocks) into dst, a buffer of the same length
    (a preallocated bytearray or memoryview: nothing allocated but the cipher object)."""
    _cipher(key, 2, iv).decrypt(src, dst)


def cbc_encrypt(key, iv, data):
    out = bytearray(len(data))
    _cipher(key, 2, iv).encrypt(data, out)
    return out


def ecb_encrypt(key, data):
    out = bytearray(len(data))
    _cipher(key, 1).encrypt(data, out)
    return out


def ctr_crypt(key, iv, data):
    """AES-128-CTR (encrypt = decrypt) with a 16-byte initial counter block; the counter is the
    whole block taken as a big-endian number, incremented per block (as OMS ELL does)."""
    n = len(data)
    blocks = (n + 15) // 16
    counters = bytearray(16 * blocks)
    ctr = bytearray(iv)
    for b in range(blocks):
        counters[16 * b:16 * b + 16] = ctr
        i = 15
        while i >= 0:
            ctr[i] = (ctr[i] + 1) & 0xFF
            if ctr[i]:
                break
            i -= 1
    stream = ecb_encrypt(key, counters)
    out = bytearray(n)
    for i in range(n):
        out[i] = data[i] ^ stream[i]
    return out


def _dbl(block):
    out = bytearray(16)
    carry = 0
    for i in range(15, -1, -1):
        v = (block[i] << 1) | carry
        out[i] = v & 0xFF
        carry = v >> 8
    if block[0] & 0x80:
        out[15] ^= 0x87
    return out


def cmac(key, msg):
    """AES-CMAC (RFC 4493 / NIST SP 800-38B) of msg, 16 bytes."""
    l_ = ecb_encrypt(key, _ZERO16)
    k1 = _dbl(l_)
    k2 = _dbl(k1)
    n = len(msg)
    if n and n % 16 == 0:
        last = bytearray(msg[n - 16:])
        for i in range(16):
            last[i] ^= k1[i]
        head = msg[:n - 16]
    else:
        full = (n // 16) * 16
        last = bytearray(16)
        rest = msg[full:]
        last[0:len(rest)] = rest
        last[len(rest)] = 0x80
        for i in range(16):
            last[i] ^= k2[i]
        head = msg[:full]
    data = bytearray(head)
    data += last
    return bytes(cbc_encrypt(key, _ZERO16, data)[-16:])
