"""Device type (EN 13757-7 table, as OMS and wmbusmeters print them) to media names."""
MEDIA = {
    0x00: "other", 0x01: "oil", 0x02: "electricity", 0x03: "gas", 0x04: "heat",
    0x05: "steam", 0x06: "warm water", 0x07: "water", 0x08: "heat cost allocation",
    0x09: "compressed air", 0x0A: "cooling load volume at outlet",
    0x0B: "cooling load volume at inlet", 0x0C: "heat volume at inlet",
    0x0D: "heat/cooling load", 0x0E: "bus/system component", 0x0F: "unknown",
    0x10: "reserved", 0x11: "reserved", 0x12: "reserved", 0x13: "reserved",
    0x14: "calorific value", 0x15: "hot water", 0x16: "cold water",
    0x17: "dual register (hot/cold) water meter", 0x18: "pressure", 0x19: "a/d converter",
    0x1A: "smoke detector", 0x1B: "room sensor", 0x1C: "gas detector",
    0x1D: "reserved", 0x1E: "reserved", 0x1F: "reserved",
    0x20: "breaker (electricity)", 0x21: "valve (gas or water)", 0x22: "reserved",
    0x23: "reserved", 0x24: "reserved", 0x25: "customer unit (display device)",
    0x26: "reserved", 0x27: "reserved", 0x28: "waste water", 0x29: "garbage",
    0x2A: "reserved", 0x2B: "reserved", 0x2C: "reserved", 0x2D: "reserved",
    0x2E: "reserved", 0x2F: "reserved", 0x30: "reserved", 0x31: "communication controller",
    0x32: "unidirectional repeater", 0x33: "bidirectional repeater", 0x34: "reserved",
    0x35: "reserved", 0x36: "radio converter (system side)",
    0x37: "radio converter (meter side)",
}


def media_name(device_type):
    return MEDIA.get(device_type)
