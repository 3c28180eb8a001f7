"""M-Bus date/time types (EN 13757-3 Annex A): G (date), F (date+time), I (date+time+s)."""


def type_g(b0, b1):
    day = b0 & 0x1F
    month = b1 & 0x0F
    year = ((b0 & 0xE0) >> 5) | ((b1 & 0xF0) >> 1)
    return "%04d-%02d-%02d" % (2000 + year, month, day)


def type_f(b0, b1, b2, b3):
    minute = b0 & 0x3F
    hour = b1 & 0x1F
    day = b2 & 0x1F
    month = b3 & 0x0F
    year = ((b2 & 0xE0) >> 5) | ((b3 & 0xF0) >> 1)
    return "%04d-%02d-%02d %02d:%02d" % (2000 + year, month, day, hour, minute)


def type_i(b0, b1, b2, b3, b4):
    second = b0 & 0x3F
    minute = b1 & 0x3F
    hour = b2 & 0x1F
    day = b3 & 0x1F
    month = b4 & 0x0F
    year = ((b3 & 0xE0) >> 5) | ((b4 & 0xF0) >> 1)
    return "%04d-%02d-%02d %02d:%02d:%02d" % (2000 + year, month, day, hour, minute, second)
