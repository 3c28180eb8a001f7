"""Apator Ultrimis water meter (ultrimis): volume, volume at the due date, backward volume
(VIFE 0x3C), and the error flags (VIF FD 17) as current_status ("OK" when none are set)."""
from ..driver import Driver, F


def _decode(t, rec, out):
    i = rec.find(0x117, 0x117)
    if i >= 0:
        v = rec.raw(i)
        out["current_status"] = "OK" if not v else "ERROR_FLAGS_%X" % v


DRIVER = Driver(
    "ultrimis", "WaterMeter", "cold water",
    detect=(("APA", 0x01, 0x16),),
    fields=(
        F("total_m3", "Volume"),
        F("target_m3", "Volume", storage=1),
        F("total_backward_flow_m3", "Volume", comb=0x3C),
    ),
    decode=_decode,
)
