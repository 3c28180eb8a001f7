"""Itron water meters (itron): standard OMS records; the reading at the end of the previous
billing period at storage 1; two manufacturer records (VIF 7F, 32 and 16 bits) whose
meaning Itron does not publish, printed as raw bits (as wmbusmeters' itron driver does)."""
from ..driver import INSTANT, MFCT_VIF, NO_COMB, Driver, Status, flag_names, status_text
from ._library import use


def _decode(t, rec, out):
    for size, name, prefix in ((4, "unknowna", "WOOTA"), (2, "unknownb", "WOOTB")):
        i = rec.find(MFCT_VIF, MFCT_VIF)
        while i >= 0 and rec.length(i) != size:
            i = rec.find(MFCT_VIF, MFCT_VIF, INSTANT, 0, 0, 0, NO_COMB, i + 1)
        if i >= 0:
            v = rec.raw(i) & (0xFFFFFFFF if size == 4 else 0xFFFF)
            out[name] = "%s_%X" % (prefix, v) if v else status_text(flag_names(v, ()))


DRIVER = Driver(
    "itron", "WaterMeter", "water",
    # (version, type) pairs wmbusmeters' itron driver detects (its list gives type first)
    detect=(("ITW", 0x00, 0x07), ("ITW", 0x03, 0x07), ("ITW", 0x33, 0x07),
            ("ITW", 0x00, 0x16)),
    fields=use("enhanced_id", "meter_datetime", "total_m3", "total_backward_m3",
               "volume_flow_m3h", "target_m3", "target_date"),
    # error flags with VIFE 0x17 ("record error code meter to controller"), 24 bits
    status=Status(mask=0xFFFFFF, comb=0x17),
    decode=_decode,
)
