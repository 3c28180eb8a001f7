"""Apator Ultrimis water meter (ultrimis): volume, volume at the due date, backward volume
(VIFE 0x3C), and the error flags (VIF FD 17) as current_status ("OK" when none are set)."""
from ..driver import BACKWARD_FLOW, Driver, F, Status


DRIVER = Driver(
    "ultrimis", "WaterMeter", "cold water",
    detect=(("APA", 0x01, 0x16),),
    fields=(
        F("total_m3", "Volume"),
        F("target_m3", "Volume", storage=1),
        F("total_backward_flow_m3", "Volume", comb=BACKWARD_FLOW),
    ),
    # the error flags (no bit names published), without the TPL status byte
    status=Status(tpl=False, field="current_status"),
)
