"""Diehl PRIOS (IZAR radio) payload descrambling, shared by the izar drivers.

The payload after the 4 header bytes that follow the CI is XORed with an LFSR keystream
seeded from a 32-bit key folded from the published default PRIOS keys and the frame's header
bytes; a correct key makes the first plain byte 0x4B. The 32-bit state is kept as two 16-bit
halves so nothing allocates on an ESP32 (small ints are 31 bits there)."""

DEFAULT_KEYS = (0x39BC8A10 ^ 0xE66D83F8, 0x51728910 ^ 0xE66D83F8)
CHECK = 0x4B


def _be32(b, o):
    return (b[o] << 24) | (b[o + 1] << 16) | (b[o + 2] << 8) | b[o + 3]


def descramble(frame, start, end):
    """Plain bytes of frame[start:end] (start = 15 in a PRIOS frame), or None."""
    for key in DEFAULT_KEYS:
        k = key ^ _be32(frame, 2) ^ _be32(frame, 6) ^ _be32(frame, 10)
        hi = (k >> 16) & 0xFFFF
        lo = k & 0xFFFF
        out = bytearray(end - start)
        ok = True
        for i in range(end - start):
            for _ in range(8):
                bit = ((lo >> 1) ^ (lo >> 2) ^ (lo >> 11) ^ (hi >> 15)) & 1
                hi = ((hi << 1) | (lo >> 15)) & 0xFFFF
                lo = ((lo << 1) | bit) & 0xFFFF
            out[i] = frame[start + i] ^ (lo & 0xFF)
            if i == 0 and out[0] != CHECK:
                ok = False
                break
        if ok:
            return out
    return None


def diehl_id(f):
    """Diehl (DME, HYD) radio meters print the id from A-field bytes 2-5."""
    return "%02x%02x%02x%02x" % (f[9], f[8], f[7], f[6])


def decode_common(t, out):
    """Header facts and the readings of a PRIOS frame; returns the plain bytes or None.
    [11] bits 0-1: transmit period 2^(n+2) s; [12] battery (half years); [13] alarms;
    plain: 4B, total (uint32 LE, litres), last month's total, its date (type G)."""
    f = t.frame
    if len(f) < 26:
        return None
    if t.manufacturer in ("DME", "HYD"):
        out["id"] = diehl_id(f)
    plain = descramble(f, 15, len(f))
    if plain is None or len(plain) < 11:
        return None
    out["transmit_period_s"] = 1 << ((f[11] & 3) + 2)
    out["total_m3"] = (plain[1] | plain[2] << 8 | plain[3] << 16 | plain[4] << 24) / 1000
    return plain
