"""Apator Metra E-ITN 40 heat cost allocator (APA/APT, type 0x08, versions 0x09 and 0x0D
plain; 0x0A and 0x0E are its encrypted variants). Manufacturer telegram (CI 0xA0), not
OMS records: 27 little-endian 16-bit words (layout from wmbusmeters' apatoreitn40
description, reverse engineered by its contributors, checked on its three examples):

    w0 not decoded  w1 billing season start (recurring day and month; year bits 0, so the
    date prints with year 2000)  w2 radiator sensor  w3 room sensor (1/16 °C, signed)
    w4 this month's units  w5-w19 the 15 previous months' units, newest first
    w20 units this billing period (the current reading)  w21 the previous period (the
    set-date reading)  w22 two and w23 three periods back  w24 the meter's date
    w25 day of week (not printed)  w26 status: 0 OK, FFFF seal broken, else sensor bits.

Dates: day bits 0-4, month bits 5-8, year from 2000 bits 9-15. Some telegrams put one
byte A0, or a count n (0-15), n bytes and A0, before the 54 bytes; other lengths are
reported in payload_error, not guessed."""
from ..driver import Driver
from . import _techem as tm

_STATUS = ((0x0001, "SENSOR_RADIATOR_OPEN"), (0x0002, "SENSOR_RADIATOR_SHORT"),
           (0x0004, "SENSOR_ROOM_OPEN"), (0x0008, "SENSOR_ROOM_SHORT"),
           (0x0010, "LOW_BATTERY"), (0x0020, "EEPROM_ERROR"), (0x0040, "OPTICAL_TAMPER"))
_MONTH_NAMES = ("previous_month_hca",) + tuple("previous_month_%02d_hca" % k
                                               for k in range(2, 16))


def _start(d, o, end):
    n = end - o
    if n == 54:
        return o
    if n == 55 and d[o] == 0xA0:
        return o + 1
    k = d[o]
    if k <= 0x0F and n == 54 + k + 2 and d[o + 1 + k] == 0xA0:
        return o + 2 + k
    return -1


def _s16(d, o):
    v = d[o] | d[o + 1] << 8
    return v - 0x10000 if v & 0x8000 else v


def _date(v):
    day, month = v & 0x1F, (v >> 5) & 0x0F
    if not 1 <= day <= 31 or not 1 <= month <= 12:
        return None
    return tm.text((2000 + (v >> 9), month, day))


def _decode(t, rec, out):
    d = t.payload
    o = _start(d, t.pos, t.end)
    if o < 0:
        out["payload_error"] = ("%d bytes after the CI, not the 54-byte E-ITN 40 layout"
                                " (an encrypted variant, version 0x%02X?)"
                                % (t.end - t.pos, t.version))
        return

    def w(i):
        return d[o + 2 * i] | d[o + 2 * i + 1] << 8

    out["current_hca"] = w(20)
    out["previous_hca"] = w(21)
    out["previous_2y_hca"] = w(22)
    out["previous_3y_hca"] = w(23)
    out["current_month_hca"] = w(4)
    for k in range(15):
        out[_MONTH_NAMES[k]] = w(5 + k)
    out["current_date"] = _date(w(24))
    out["season_start_date"] = _date(w(1))
    out["temp_radiator_c"] = _s16(d, o + 4) / 16
    out["temp_room_c"] = _s16(d, o + 6) / 16
    s = w(26)
    if s == 0xFFFF:
        out["status"] = "SEAL_BROKEN"
        return
    names = []
    for mask, name in _STATUS:
        if s & mask:
            names.append(name)
            s &= ~mask
    if s:
        names.append("UNKNOWN_%04X" % s)
    out["status"] = " ".join(sorted(names)) if names else "OK"


DRIVER = Driver(
    "apatoreitn40", "HeatCostAllocationMeter", "heat cost allocation",
    detect=(("APA", 0x09, 0x08), ("APA", 0x0A, 0x08), ("APA", 0x0D, 0x08),
            ("APA", 0x0E, 0x08), ("APT", 0x09, 0x08), ("APT", 0x0A, 0x08),
            ("APT", 0x0D, 0x08), ("APT", 0x0E, 0x08)),
    records=False,
    decode=_decode,
)
