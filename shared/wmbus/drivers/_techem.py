"""Helpers for Techem's manufacturer telegrams (CI 0xA0-0xA2): the two date encodings they
use (as wmbusmeters' fhkvdataiii and mkradio3 drivers read them)."""
from .. import mbdate


def previous_date(d, o):
    """16 bits LE: day bits 0-4, month bits 5-8, year since 2000 from bit 9 on."""
    v = d[o] | d[o + 1] << 8
    return 2000 + (v >> 9), (v >> 5) & 0x0F, v & 0x1F


def current_date(d, o, prev, zero_fix=False):
    """16 bits LE: day bits 4-8, month bits 9-12; the year is the previous (set) date's, or
    the one after when the day falls on or before the set date in the calendar. zero_fix
    (FHKV data III): a day 0 counts as 1, a month 0 as 12."""
    v = d[o] | d[o + 1] << 8
    day, month = (v >> 4) & 0x1F, (v >> 9) & 0x0F
    if zero_fix:
        day = day or 1
        month = month or 12
    y = prev[0] + (1 if (month, day) <= (prev[1], prev[2]) else 0)
    return y, month, day


def text(ymd):
    """The date the fields name, counted from the first of the month (an impossible day
    rolls into the next month, as wmbusmeters counts them)."""
    return mbdate.from_fields(ymd[0], ymd[1], ymd[2])


def u16(d, o):
    return d[o] | d[o + 1] << 8
