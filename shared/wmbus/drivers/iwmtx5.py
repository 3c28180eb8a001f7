"""Bmeters IWM-TX5 water meter radio module (iwmtx5): the total volume and the clock; status
from the error flags and the TPL status byte, whose bit 6 Bmeters uses for tampering (as
wmbusmeters' iwmtx5 driver reads them)."""
from ..driver import Driver, Status
from ._library import use

DRIVER = Driver(
    "iwmtx5", "WaterMeter", "warm water",
    detect=(("BMT", 0x18, 0x07), ("BMT", 0x18, 0x06)),
    fields=use("meter_datetime", "total_m3"),
    status=Status(tpl_mfct=((0x40, "TAMPER"),)),
)
