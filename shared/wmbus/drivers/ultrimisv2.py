"""Apator Ultrimis water meter, second naming (ultrimisv2): total, target (storage 1) and
backward volume; the status is the 24-bit error-flags record (DIF 03 VIF FD 17): byte 0 the
states now, byte 1 those seen this month, byte 2 those of the previous month, each byte
tamper, low battery, dry, no flow, high temperature, burst, reverse, leak (bits 0-7), as
wmbusmeters' ultrimisv2 driver lists them."""
from ..driver import Driver, Status
from ._library import use

_STATES = ("TAMPER", "LOW_BATTERY", "DRY", "NO_FLOW", "HIGH_TEMPERATURE", "BURST", "REVERSE",
           "LEAK")
ERROR_FLAGS = tuple((1 << (8 * byte + bit), name + suffix)
                    for byte, suffix in ((0, ""), (1, "_THIS_MONTH"), (2, "_PREV_MONTH"))
                    for bit, name in enumerate(_STATES))

DRIVER = Driver(
    "ultrimisv2", "WaterMeter", "cold water",
    renames="ultrimis",  # the same telegrams as ultrimis
    detect=(("APA", 0x01, 0x16), ("APA", 0x20, 0x16)),
    fields=use("total_m3", "target_m3", "total_backward_m3"),
    status=Status(ERROR_FLAGS, mask=0xFFFFFF, tpl=False),
)
