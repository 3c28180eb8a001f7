"""BMeters Hydroclima RFM heat cost allocator: the manufacturer record (DIF 0x0F) after the
standard ones. Byte 0 tells the layout (0x10 RKN0, 0x11 the longer one); bytes 1-2 are the
status word; temperatures are 16-bit little-endian in 1/100 °C. Layouts as BMeters' frame
description in wmbusmeters' hydroclima drivers lists them:

  0x10: status, time, date, average ambient (7), max ambient (9), its date, number of
        measurements, last month's average ambient (15) and heater (17), units (19)
  0x11: status, time, date, opening date, average heater (9), ambient (11), max ambient
        (13), its date, previous period's average heater (17) and ambient (19), four
        consumption history words (21), three ambient temperature history words (29),
        three 3-byte temperature counters (35), total units (44)
"""
from ..driver import ANY, ANY_COMB, MFCT_DATA

# name: offset, for each layout
SHORT = (("average_ambient_temperature_c", 7), ("max_ambient_temperature_c", 9),
         ("average_ambient_temperature_last_month_c", 15),
         ("average_heater_temperature_last_month_c", 17))
LONG = (("average_heater_temperature_c", 9), ("average_ambient_temperature_c", 11),
        ("max_ambient_temperature_c", 13), ("average_heater_temperature_last_month_c", 17),
        ("average_ambient_temperature_last_month_c", 19),
        ("ambient_temperature_at_set_date_1_c", 29), ("ambient_temperature_at_set_date_2_c", 31),
        ("ambient_temperature_at_set_date_3_c", 33))


def u16(d, o):
    return d[o] | d[o + 1] << 8


def record(rec):
    """(data, offset, length) of the manufacturer record, or None."""
    i = rec.find(MFCT_DATA, MFCT_DATA, ANY, ANY, ANY, ANY, ANY_COMB)
    if i < 0:
        return None
    return rec.data, rec.offset(i), rec.length(i)


def temperatures(d, o, n, out):
    layout = LONG if d[o] == 0x11 else SHORT
    for name, k in layout:
        if k + 2 <= n:
            out[name] = u16(d, o + k) / 100
