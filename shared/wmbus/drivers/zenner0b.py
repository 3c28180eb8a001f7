"""Zenner water meter, version 0x0B (zenner0b): the payload after 2F 2F is manufacturer data
(DIF 0x0F): three little-endian 32-bit words in 1/256 litre: the value at the due date, the
status word (printed as STATUS_xxxxxx), the meter reading (layout as the published telegram
shows it)."""
from ..driver import Driver


def _u32(d, o):
    return d[o] | d[o + 1] << 8 | d[o + 2] << 16 | d[o + 3] << 24


def _decode(t, rec, out):
    i = rec.find(0x3FF, 0x3FF, -1, -1, -1, -1, -2)
    if i < 0 or rec.a[i * 11 + 7] < 12:
        return
    d = rec.data
    o = rec.a[i * 11 + 6]
    out["target_m3"] = round(_u32(d, o) / 256000, 6)
    st = _u32(d, o + 4)
    out["status"] = "STATUS_%X" % st if st else "OK"
    out["total_m3"] = round(_u32(d, o + 8) / 256000, 6)


DRIVER = Driver(
    "zenner0b", "WaterMeter", "cold water",
    detect=(("ZRI", 0x0B, 0x16),),
    decode=_decode,
)
