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


def decode_common(t, out):
    """Header facts and the readings of a PRIOS frame (the meter id is Diehl's, link.py
    reads it); returns the plain bytes or None.
    [11] bits 0-3: transmit period 2^(n+2) s, bit 7 general alarm; [12] bits 0-4 battery
    (half years), bits 5-7 alarms; [13] alarms (see alarms());
    plain: 4B, total (uint32 LE, litres), last month's total, its date (type G)."""
    f = t.frame
    if len(f) < 26:
        return None
    plain = descramble(f, 15, len(f))
    if plain is None or len(plain) < 11:
        return None
    out["transmit_period_s"] = 1 << ((f[11] & 0x0F) + 2)
    out["total_m3"] = (plain[1] | plain[2] << 8 | plain[3] << 16 | plain[4] << 24) / 1000
    return plain


def battery_years(f):
    return (f[12] & 0x1F) / 2


def sap_identity(t, f, out, year_field):
    """Sappel (SAP) PRIOS frames (C 0x44/0x46, CI 0xA0-0xA7) carry the printed serial in the
    A-field: 26 bits as 8 decimal digits YYSSSSSS (manufacture year, serial), and letters
    (supplier, meter type, diameter) in the version and type bytes; the printed prefix is
    supplier, YY, type, diameter (e.g. H19CA)."""
    if t.manufacturer != "SAP" or f[1] not in (0x44, 0x46) or not 0xA0 <= f[10] <= 0xA7:
        return
    digits = "%08d" % ((f[7] & 0x03) << 24 | f[6] << 16 | f[5] << 8 | f[4])
    yy = int(digits[:2])
    out[year_field] = "%d" % ((1900 if yy > 70 else 2000) + yy)
    out["serial_number"] = digits[2:]
    supplier = chr(64 + (((f[9] & 0x0F) << 1) | (f[8] >> 7)))
    mtype = chr(64 + ((f[8] & 0x7C) >> 2))
    diameter = chr(64 + (((f[8] & 0x03) << 3) | (f[7] >> 5)))
    out["prefix"] = "%s%02d%s%s" % (supplier, yy, mtype, diameter)


_CURRENT = ((12, 0x80, "leakage"), (12, 0x20, "meter_blocked"), (13, 0x80, "back_flow"),
            (13, 0x40, "underflow"), (13, 0x20, "overflow"), (13, 0x10, "submarine"),
            (13, 0x08, "sensor_fraud"), (13, 0x02, "mechanical_fraud"))
_PREVIOUS = ((12, 0x40, "leakage"), (13, 0x04, "sensor_fraud"), (13, 0x01, "mechanical_fraud"))


def alarms(f):
    """(current, previous) alarm texts of a PRIOS frame header, as wmbusmeters prints them:
    comma-separated names, "no_alarm", or "general_alarm" when the general bit is set with
    others."""
    cur = [n for i, bit, n in _CURRENT if f[i] & bit]
    prev = [n for i, bit, n in _PREVIOUS if f[i] & bit]
    if cur and f[11] & 0x80:
        c = "general_alarm"
    else:
        c = ",".join(cur) if cur else "no_alarm"
    return c, ",".join(prev) if prev else "no_alarm"


# the 24 alarm bits of a PRIOS header (frame bytes 11-13, little-endian), in the order
# wmbusmeters' izarv2 driver names them
ALARM_BITS = (
    (0x008000, "LEAKAGE"), (0x002000, "METER_BLOCKED"), (0x800000, "BACK_FLOW"),
    (0x400000, "UNDERFLOW"), (0x200000, "OVERFLOW"), (0x100000, "SUBMARINE"),
    (0x080000, "SENSOR_FRAUD"), (0x020000, "MECHANICAL_FRAUD"), (0x004000, "PREV_LEAKAGE"),
    (0x040000, "PREV_SENSOR_FRAUD"), (0x010000, "PREV_MECHANICAL_FRAUD"),
)
ALARM_MASK = 0xFFE000


def alarm_bits(f):
    return (f[11] | f[12] << 8 | f[13] << 16) & ALARM_MASK
