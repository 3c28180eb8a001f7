"""Ecomess Picoflux AiR water meter (picoflux): standard OMS records; status from the error
flags and the TPL status byte, whose bits 5 and 6 say the flow during a leak stayed below
(0x20) or exceeded (0x40) 100 l/h (Ecomess/Kaden wM-Bus OMS specification, as wmbusmeters'
picoflux driver cites it)."""
from ..driver import Driver, Status
from ._library import use

LEAK_FLOW_BITS = ((0x20, "LEAK_FLOW_LOW"), (0x40, "LEAK_FLOW_HIGH"))

DRIVER = Driver(
    "picoflux", "WaterMeter", "water",
    detect=(("ECM", 0x05, 0x07),),
    fields=use("total_m3", "total_backward_m3", "meter_datetime", "actuality_duration_s"),
    status=Status(mask=0xFFFF, tpl_mfct=LEAK_FLOW_BITS),
)
