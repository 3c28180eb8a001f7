"""M-Bus date/time types (EN 13757-3 Annex A): G (date), F (date+time), I (date+time+s).

Text is written into preallocated buffers of the exact size and turned into one string, so
a date costs the collector's heap that string only (str() of a whole bytearray is the
cheapest way on MicroPython; %-formatting allocates a tuple and temporaries too)."""
_G = bytearray(b"2000-01-01")
_F = bytearray(b"2000-01-01 00:00")
_I = bytearray(b"2000-01-01 00:00:00")


def _put2(buf, i, v):
    buf[i] = 48 + (v // 10) % 10
    buf[i + 1] = 48 + v % 10


def _date(buf, year, month, day):
    y = 2000 + year
    buf[0] = 48 + y // 1000
    buf[1] = 48 + (y // 100) % 10
    _put2(buf, 2, y % 100)
    _put2(buf, 5, month)
    _put2(buf, 8, day)


_CACHE = {}            # set dates repeat in every telegram: their text, by the 16 bits


def type_g(b0, b1):
    k = b0 << 8 | b1
    t = _CACHE.get(k)
    if t is not None:
        return t
    _date(_G, ((b0 & 0xE0) >> 5) | ((b1 & 0xF0) >> 1), b1 & 0x0F, b0 & 0x1F)
    t = str(_G, "ascii")
    if len(_CACHE) < 64:
        _CACHE[k] = t
    return t


def type_f(b0, b1, b2, b3):
    _date(_F, ((b2 & 0xE0) >> 5) | ((b3 & 0xF0) >> 1), b3 & 0x0F, b2 & 0x1F)
    _put2(_F, 11, b1 & 0x1F)
    _put2(_F, 14, b0 & 0x3F)
    return str(_F, "ascii")


def type_i(b0, b1, b2, b3, b4):
    _date(_I, ((b3 & 0xE0) >> 5) | ((b4 & 0xF0) >> 1), b4 & 0x0F, b3 & 0x1F)
    _put2(_I, 11, b2 & 0x1F)
    _put2(_I, 14, b1 & 0x3F)
    _put2(_I, 17, b0 & 0x3F)
    return str(_I, "ascii")


def days_in_month(year, month):
    """Days of a month (1-12) of a Gregorian year."""
    if month == 2:
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return 29 if leap else 28
    return 30 if month in (4, 6, 9, 11) else 31


def add_months(year, month, day, n):
    """The calendar date n months (negative: back) from year-month-day, as text. A month's
    last day maps to the last day of the result month, any other day to the same day or the
    result month's last day if it is shorter (2025-07-31 - 1 month = 2025-06-30; 2025-02-28
    - 1 month = 2025-01-31): the rule wmbusmeters' history dates follow."""
    last = day == days_in_month(year, month)
    k = year * 12 + (month - 1) + n
    y, m = k // 12, k % 12 + 1
    dim = days_in_month(y, m)
    d = dim if last else min(day, dim)
    return "%04d-%02d-%02d" % (y, m, d)


def from_fields(year, month, day):
    """The calendar date that year/month/day fields name when counted as wmbusmeters does
    for makers' packed dates: the first of month `month` of `year` (month 0 is the
    December before, 13-15 months of the next year) plus day - 1 days, so an impossible
    day rolls over (June 31 -> July 1) instead of printing a date that does not exist."""
    k = year * 12 + month - 1
    y, m = k // 12, k % 12 + 1
    d = day - 1
    while True:
        if d < 0:
            m -= 1
            if m == 0:
                y, m = y - 1, 12
            d += days_in_month(y, m)
            continue
        dim = days_in_month(y, m)
        if d < dim:
            return "%04d-%02d-%02d" % (y, m, d + 1)
        d -= dim
        m += 1
        if m == 13:
            y, m = y + 1, 1
