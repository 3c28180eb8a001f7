"""Kaden/Ecomess type 07 water meter (kadenwater): standard OMS records (total, flow,
actuality duration, clock, fabrication number), the maximum flow (function maximum), and a
second volume and duration register that Kaden sends after the first ones without
documenting them (told apart only by coming second: volume_b, duration_b). Status from the
error flags and the TPL status byte, whose bits 5 and 6 say the flow during a leak stayed
below (0x20) or exceeded (0x40) 100 l/h (Ecomess/Kaden wM-Bus OMS specification, as
wmbusmeters' kadenwater driver cites it)."""
from ..driver import MAXIMUM, Driver, F, Status
from ._library import use
from .picoflux import LEAK_FLOW_BITS

DRIVER = Driver(
    "kadenwater", "WaterMeter", "water",
    detect=(("KDN", 0x01, 0x07), ("VIP", 0x01, 0x07)),
    fields=use("total_m3", "volume_flow_m3h", "actuality_duration_s", "meter_datetime",
               "fabrication_no") + (
        F("max_flow_m3h", "VolumeFlow", mtype=MAXIMUM),
        F("volume_b_m3", "Volume", index=2),
        F("duration_b_s", "ActualityDuration", index=2),
    ),
    status=Status(mask=0xFFFF, tpl_mfct=LEAK_FLOW_BITS),
)
