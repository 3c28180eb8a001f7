"""DES (FIPS 46-3) in pure Python for the few meters that still use it: TPL security modes 2
and 3 (EN 13757-3:2004 annex, DES-CBC with a 64-bit key), e.g. Actaris/Itron ActisLink.

Works the same on CPython and MicroPython (no cryptolib DES there): blocks are handled as
two 32-bit halves, the tables below are the standard's (FIPS 46-3, section 3 and
appendix 1). Slow (a few hundred microseconds a block) but DES meters send two or three
blocks a telegram. Checked against the published FIPS 81 and NBS SP 500-20 vectors.
"""

# initial permutation IP; the final permutation is its inverse (computed below)
_IP = (58, 50, 42, 34, 26, 18, 10, 2, 60, 52, 44, 36, 28, 20, 12, 4,
       62, 54, 46, 38, 30, 22, 14, 6, 64, 56, 48, 40, 32, 24, 16, 8,
       57, 49, 41, 33, 25, 17, 9, 1, 59, 51, 43, 35, 27, 19, 11, 3,
       61, 53, 45, 37, 29, 21, 13, 5, 63, 55, 47, 39, 31, 23, 15, 7)
# expansion E (32 -> 48 bits)
_E = (32, 1, 2, 3, 4, 5, 4, 5, 6, 7, 8, 9, 8, 9, 10, 11, 12, 13, 12, 13, 14, 15, 16, 17,
      16, 17, 18, 19, 20, 21, 20, 21, 22, 23, 24, 25, 24, 25, 26, 27, 28, 29, 28, 29, 30, 31,
      32, 1)
# permutation P after the S-boxes
_P = (16, 7, 20, 21, 29, 12, 28, 17, 1, 15, 23, 26, 5, 18, 31, 10,
      2, 8, 24, 14, 32, 27, 3, 9, 19, 13, 30, 6, 22, 11, 4, 25)
# permuted choice 1 (64 -> 56 bits, parity bits dropped) and 2 (56 -> 48 bits)
_PC1 = (57, 49, 41, 33, 25, 17, 9, 1, 58, 50, 42, 34, 26, 18, 10, 2, 59, 51, 43, 35, 27,
        19, 11, 3, 60, 52, 44, 36, 63, 55, 47, 39, 31, 23, 15, 7, 62, 54, 46, 38, 30, 22,
        14, 6, 61, 53, 45, 37, 29, 21, 13, 5, 28, 20, 12, 4)
_PC2 = (14, 17, 11, 24, 1, 5, 3, 28, 15, 6, 21, 10, 23, 19, 12, 4, 26, 8, 16, 7, 27, 20, 13, 2,
        41, 52, 31, 37, 47, 55, 30, 40, 51, 45, 33, 48, 44, 49, 39, 56, 34, 53, 46, 42, 50, 36,
        29, 32)
_SHIFTS = (1, 1, 2, 2, 2, 2, 2, 2, 1, 2, 2, 2, 2, 2, 2, 1)
# S-boxes S1..S8, each 4 rows of 16
_S = (
    (14, 4, 13, 1, 2, 15, 11, 8, 3, 10, 6, 12, 5, 9, 0, 7,
     0, 15, 7, 4, 14, 2, 13, 1, 10, 6, 12, 11, 9, 5, 3, 8,
     4, 1, 14, 8, 13, 6, 2, 11, 15, 12, 9, 7, 3, 10, 5, 0,
     15, 12, 8, 2, 4, 9, 1, 7, 5, 11, 3, 14, 10, 0, 6, 13),
    (15, 1, 8, 14, 6, 11, 3, 4, 9, 7, 2, 13, 12, 0, 5, 10,
     3, 13, 4, 7, 15, 2, 8, 14, 12, 0, 1, 10, 6, 9, 11, 5,
     0, 14, 7, 11, 10, 4, 13, 1, 5, 8, 12, 6, 9, 3, 2, 15,
     13, 8, 10, 1, 3, 15, 4, 2, 11, 6, 7, 12, 0, 5, 14, 9),
    (10, 0, 9, 14, 6, 3, 15, 5, 1, 13, 12, 7, 11, 4, 2, 8,
     13, 7, 0, 9, 3, 4, 6, 10, 2, 8, 5, 14, 12, 11, 15, 1,
     13, 6, 4, 9, 8, 15, 3, 0, 11, 1, 2, 12, 5, 10, 14, 7,
     1, 10, 13, 0, 6, 9, 8, 7, 4, 15, 14, 3, 11, 5, 2, 12),
    (7, 13, 14, 3, 0, 6, 9, 10, 1, 2, 8, 5, 11, 12, 4, 15,
     13, 8, 11, 5, 6, 15, 0, 3, 4, 7, 2, 12, 1, 10, 14, 9,
     10, 6, 9, 0, 12, 11, 7, 13, 15, 1, 3, 14, 5, 2, 8, 4,
     3, 15, 0, 6, 10, 1, 13, 8, 9, 4, 5, 11, 12, 7, 2, 14),
    (2, 12, 4, 1, 7, 10, 11, 6, 8, 5, 3, 15, 13, 0, 14, 9,
     14, 11, 2, 12, 4, 7, 13, 1, 5, 0, 15, 10, 3, 9, 8, 6,
     4, 2, 1, 11, 10, 13, 7, 8, 15, 9, 12, 5, 6, 3, 0, 14,
     11, 8, 12, 7, 1, 14, 2, 13, 6, 15, 0, 9, 10, 4, 5, 3),
    (12, 1, 10, 15, 9, 2, 6, 8, 0, 13, 3, 4, 14, 7, 5, 11,
     10, 15, 4, 2, 7, 12, 9, 5, 6, 1, 13, 14, 0, 11, 3, 8,
     9, 14, 15, 5, 2, 8, 12, 3, 7, 0, 4, 10, 1, 13, 11, 6,
     4, 3, 2, 12, 9, 5, 15, 10, 11, 14, 1, 7, 6, 0, 8, 13),
    (4, 11, 2, 14, 15, 0, 8, 13, 3, 12, 9, 7, 5, 10, 6, 1,
     13, 0, 11, 7, 4, 9, 1, 10, 14, 3, 5, 12, 2, 15, 8, 6,
     1, 4, 11, 13, 12, 3, 7, 14, 10, 15, 6, 8, 0, 5, 9, 2,
     6, 11, 13, 8, 1, 4, 10, 7, 9, 5, 0, 15, 14, 2, 3, 12),
    (13, 2, 8, 4, 6, 15, 11, 1, 10, 9, 3, 14, 5, 0, 12, 7,
     1, 15, 13, 8, 10, 3, 7, 4, 12, 5, 6, 11, 0, 14, 9, 2,
     7, 11, 4, 1, 9, 12, 14, 2, 0, 6, 10, 13, 15, 3, 5, 8,
     2, 1, 14, 7, 4, 10, 8, 13, 15, 12, 9, 0, 3, 5, 6, 11),
)


def _inverse(perm):
    inv = [0] * len(perm)
    for i, p in enumerate(perm):
        inv[p - 1] = i + 1
    return tuple(inv)


_FP = _inverse(_IP)


def _permute(v, table, nbits):
    """Bits of v (nbits wide, bit 1 = most significant, as the standard numbers them)
    picked in table order."""
    out = 0
    for pos in table:
        out = out << 1 | (v >> (nbits - pos)) & 1
    return out


def _bytes_int(b, o=0):
    v = 0
    for i in range(o, o + 8):
        v = v << 8 | b[i]
    return v


def subkeys(key):
    """The 16 48-bit round keys of an 8-byte key (parity bits ignored)."""
    if len(key) != 8:
        raise ValueError("DES key must be 8 bytes")
    cd = _permute(_bytes_int(key), _PC1, 64)
    c, d = cd >> 28, cd & 0x0FFFFFFF
    ks = []
    for s in _SHIFTS:
        c = (c << s | c >> (28 - s)) & 0x0FFFFFFF
        d = (d << s | d >> (28 - s)) & 0x0FFFFFFF
        ks.append(_permute(c << 28 | d, _PC2, 56))
    return ks


def _f(r, k):
    x = _permute(r, _E, 32) ^ k
    out = 0
    for i in range(8):
        six = (x >> (42 - 6 * i)) & 0x3F
        row = (six >> 4) & 2 | six & 1
        out = out << 4 | _S[i][row * 16 + (six >> 1 & 0x0F)]
    return _permute(out, _P, 32)


def _crypt_block(v, ks):
    v = _permute(v, _IP, 64)
    left, right = v >> 32, v & 0xFFFFFFFF
    for k in ks:
        left, right = right, left ^ _f(right, k)
    return _permute(right << 32 | left, _FP, 64)


def encrypt_block(key, block):
    """DES encryption of one 8-byte block (ECB); bytes."""
    return _int_bytes(_crypt_block(_bytes_int(block), subkeys(key)))


def decrypt_block(key, block):
    return _int_bytes(_crypt_block(_bytes_int(block), subkeys(key)[::-1]))


def _int_bytes(v):
    out = bytearray(8)
    for i in range(7, -1, -1):
        out[i] = v & 0xFF
        v >>= 8
    return bytes(out)


def cbc_decrypt(key, iv, data):
    """DES-CBC decryption of whole 8-byte blocks (bytes)."""
    if len(data) % 8:
        raise ValueError("DES-CBC data is not a whole number of 8-byte blocks")
    ks = subkeys(key)[::-1]
    prev = _bytes_int(iv)
    out = bytearray()
    for o in range(0, len(data), 8):
        c = _bytes_int(data, o)
        out += _int_bytes(_crypt_block(c, ks) ^ prev)
        prev = c
    return bytes(out)


def cbc_encrypt(key, iv, data):
    """DES-CBC encryption of whole 8-byte blocks (the meter simulator's side)."""
    if len(data) % 8:
        raise ValueError("DES-CBC data is not a whole number of 8-byte blocks")
    ks = subkeys(key)
    prev = _bytes_int(iv)
    out = bytearray()
    for o in range(0, len(data), 8):
        prev = _crypt_block(_bytes_int(data, o) ^ prev, ks)
        out += _int_bytes(prev)
    return bytes(out)
