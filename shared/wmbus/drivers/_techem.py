"""Helpers for Techem's manufacturer telegrams (CI 0xA0-0xA2): the two date encodings they use
(layout found in the published FHKV data III and MK radio 3 telegrams)."""


def previous_date(d, o):
    """16 bits LE: day bits 0-4, month bits 5-8, year (from 2000) bits 9-14."""
    v = d[o] | d[o + 1] << 8
    return 2000 + ((v >> 9) & 0x3F), (v >> 5) & 0x0F, v & 0x1F


def current_date(d, o, prev):
    """16 bits LE: day bits 4-8, month bits 9-12; the year is the previous (set) date's, or
    the one after when the day falls on or before the set date in the calendar."""
    v = d[o] | d[o + 1] << 8
    day, month = (v >> 4) & 0x1F, (v >> 9) & 0x0F
    y = prev[0] + (1 if (month, day) <= (prev[1], prev[2]) else 0)
    return y, month, day


def text(ymd):
    return "%04d-%02d-%02d" % ymd


def u16(d, o):
    return d[o] | d[o + 1] << 8
