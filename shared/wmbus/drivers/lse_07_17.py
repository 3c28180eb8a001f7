"""Sontex/Lorenz water meter 7/17 (lse_07_17): volume, due date and its volume, error date
(function field "value during error"); all-ones dates print as null."""
from ..driver import Driver, F


def _decode(t, rec, out):
    out["error_code"] = "OK" if not t.tpl_status else "ERROR_%02X" % t.tpl_status


DRIVER = Driver(
    "lse_07_17", "WaterMeter", "warm water",
    detect=(("LSE", 0x18, 0x06), ("LSE", 0xD8, 0x07)),
    fields=(
        F("total_m3", "Volume"),
        F("due_m3", "Volume", storage=1),
        F("due_date", "Date", storage=1, invalid=None),
        F("error_date", "Date", mtype=3, invalid=None),
        F("device_datetime", "DateTime"),
    ),
    decode=_decode,
    billing=('total_m3', 'due_m3', 'due_date'),
)
