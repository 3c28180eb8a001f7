"""Diehl water meter, version 0x7B (dme_07): the total volume and the error flags (VIF FD
17; no bit names published), as wmbusmeters' dme_07 driver reads them."""
from ..driver import Driver, F, Status

DRIVER = Driver(
    "dme_07", "WaterMeter", "water",
    renames="izar_rcig4",  # wmbusmeters names dme_07 an alias of izar_rcig4
    detect=(("DME", 0x7B, 0x07),),
    fields=(F("total_m3", "Volume"),),
    status=Status(mask=0xFFFF, tpl=False),
)
