"""BMeters Hydroclima RFM heat cost allocator: the manufacturer record (DIF 0x0F) after the
standard ones. Byte 0 tells the layout (0x10 short, 0x11 long); bytes 1-2 are error flags;
temperatures are 16-bit little-endian in 1/100 °C. Offsets as the published telegrams show."""

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
    i = rec.find(0x3FF, 0x3FF, -1, -1, -1, -1, -2)
    if i < 0:
        return None
    return rec.data, rec.a[i * 11 + 6], rec.a[i * 11 + 7]


def temperatures(d, o, n, out):
    layout = LONG if d[o] == 0x11 else SHORT
    for name, k in layout:
        if k + 2 <= n:
            out[name] = u16(d, o + k) / 100
