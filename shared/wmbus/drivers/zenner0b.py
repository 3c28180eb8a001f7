"""Zenner water meter with the EDC B.One radio module, version 0x0B (zenner0b).

The payload after 2F 2F is one manufacturer-specific block (DIF 0x0F), "telegram scenario
322": bytes 0-3 status flags, 4-7 the target (current month) consumption counter, 8-11 the
total consumption counter, all little-endian, the counters in 1/256000 m³, then one
optional padding byte (layout as wmbusmeters' zenner0b driver describes the module's data).
The status bits are not published: a non-zero status is printed as STATUS_<hex>."""
from ..driver import ANY, ANY_COMB, MFCT_DATA, Driver, le_uint


def _decode(t, rec, out):
    i = rec.find(MFCT_DATA, MFCT_DATA, ANY, ANY, ANY, ANY, ANY_COMB)
    if i < 0 or rec.length(i) < 12:
        return
    d = rec.data
    o = rec.offset(i)
    st = le_uint(d, o, 4)
    out["status"] = "STATUS_%X" % st if st else "OK"
    out["target_m3"] = round(le_uint(d, o + 4, 4) / 256000, 6)
    out["total_m3"] = round(le_uint(d, o + 8, 4) / 256000, 6)


DRIVER = Driver(
    "zenner0b", "WaterMeter", "cold water",
    detect=(("ZRI", 0x0B, 0x16),),
    decode=_decode,
    billing=("total_m3", None, None),       # target: a monthly counter, no date
)
