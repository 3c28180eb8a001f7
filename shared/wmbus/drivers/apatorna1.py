"""Apator NA-1 water meter (apatorna1), manufacturer CI 0xA0. Byte layout as wmbusmeters'
apatorna1 driver reads it:

    [0] access number  [1] frame status (plain)  [2:18] one AES-128-CBC block, IV as
    security mode 5 (M, A, 8 x access number), key the meter's (all zeros when none given)

The decrypted block: [0] -  [1:5] packed total (u32 LE)  [5:9] meter time (u32 LE,
seconds since 2000-01-01 00:00)  [9] historic age low  [10] historic age high (bits 2-7) and
historic delta bits 0-1  [11:14] historic delta bits 2-25  [14] current status
[15] historic status.

Packed total: bits 4-5 the decimal multiplier 10^n, bits 0-3 and 8-31 the count in litres
divided by that multiplier. The historic reading is the total minus the delta, taken
`historic_age_h` hours before the meter time.
"""
from .. import aes, link
from ..driver import Driver, flag_names, le_uint, status_text
from ..errors import WMBusError

FRAME_STATUS = ((0x01, "SUMMER_TIME"), (0x02, "HISTORICAL_INDICATION"),
                (0x04, "MAX_SPEED_EXCEEDED"), (0x08, "DEVICE_ACCESS_ERROR"),
                (0x10, "TWO_WAY_COM_BLOCK"), (0x20, "INSTALL_FRAME"),
                (0x40, "WRONG_TEMPERATURE"), (0x80, "SERVICE_EVENT"))
_FLOW = ((0x80, "MINIMUM_FLOW"), (0x40, "MAXIMUM_FLOW"), (0x20, "REVERSE_FLOW"),
         (0x10, "MEASUREMENT_UNCHANGED"), (0x08, "LEAK"), (0x04, "DEVICE_DISCONNECTED"),
         (0x02, "MAGNETIC_FIELD"))
CURRENT_STATUS = _FLOW + ((0x01, "BATTERY_LOW"),)
HISTORIC_STATUS = _FLOW + ((0x01, "BATTERY_LIFETIME_THRESHOLD_EXCEEDED"),)
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _datetime(seconds):
    """Seconds since 2000-01-01 00:00 -> 'YYYY-MM-DD HH:MM' (no time library needed)."""
    days, rest = divmod(seconds, 86400)
    y = 2000
    while True:
        leap = y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)
        n = 366 if leap else 365
        if days < n:
            break
        days -= n
        y += 1
    m = 0
    while True:
        n = _DAYS[m] + (1 if m == 1 and leap else 0)
        if days < n:
            break
        days -= n
        m += 1
    return "%04d-%02d-%02d %02d:%02d" % (y, m + 1, days + 1, rest // 3600, rest % 3600 // 60)


def _decode(t, rec, out):
    f = t.payload
    o = t.pos
    if t.end - o < 18:
        raise WMBusError("apatorna1: %d payload bytes, 18 needed" % (t.end - o), t.id)
    acc = f[o]
    key = link.key_for(t)
    if key is None:
        key = bytes(16)             # the maker's default
    else:
        link.aes_key(t, key, "apatorna1 (AES-128-CBC)")
        t.decrypted = True          # decrypted with the meter's own key
    b = aes.cbc_decrypt(key, link.mode5_iv(t, acc), bytes(f[o + 2:o + 18]))
    packed = le_uint(b, 1, 4)
    mult = 10 ** ((packed >> 4) & 3)
    total = ((packed >> 8) * 16 + (packed & 0x0F)) * mult / 1000
    now = le_uint(b, 5, 4)
    age_h = (b[10] >> 2) * 256 + b[9]
    delta = ((b[13] << 18) + (b[12] << 10) + (b[11] << 2) + (b[10] & 3)) * mult / 1000
    out["historic_m3"] = round(total - delta, 6)
    out["historic_datetime"] = _datetime(now - 3600 * age_h)
    out["historic_age_h"] = age_h
    out["meter_datetime"] = _datetime(now)
    out["total_m3"] = round(total, 6)
    out["current_status"] = status_text(flag_names(b[14], CURRENT_STATUS))
    out["frame_status"] = status_text(flag_names(f[o + 1], FRAME_STATUS))
    out["historic_status"] = status_text(flag_names(b[15], HISTORIC_STATUS))


DRIVER = Driver(
    "apatorna1", "WaterMeter", "water",
    detect=(("APA", 0x14, 0x07),),
    records=False,
    decode=_decode,
)
