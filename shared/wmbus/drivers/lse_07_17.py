"""Lorenz (LSE) water meter 7/17 (lse_07_17): standard OMS records; the due (billing) date
and its volume at storage 1, billing date 8 and its volume, the date of an error (function
"value during error"), the clock, and the error code: the record DIF 02 VIF BB 56 (no bit
names published; 0 = OK), as wmbusmeters' lse_07_17 driver reads them. Dates of all one
bits print as null."""
from ..driver import AT_ERROR, Driver, F, Status
from ._library import use

VOLUME_FLOW = 0x3B          # the error-code record's VIF (with the VIFE below)
ERROR_CODE_VIFE = 0x56

DRIVER = Driver(
    "lse_07_17", "WaterMeter", "warm water",
    detect=(("LSE", 0x18, 0x06), ("LSE", 0x18, 0x07), ("LSE", 0x16, 0x07),
            ("LSE", 0x17, 0x07), ("LSE", 0xD8, 0x07)),
    fields=use("model_version") + (
        F("total_m3", "Volume"),
        F("due_m3", "Volume", storage=1),
        F("due_date", "Date", storage=1, invalid=None),
        F("consumption_at_set_date_8_m3", "Volume", storage=8),
        F("set_date_8", "Date", storage=8, invalid=""),
        F("error_date", "Date", mtype=AT_ERROR, invalid=None),
        F("device_datetime", "DateTime"),
    ),
    status=Status(quantity=VOLUME_FLOW, comb=ERROR_CODE_VIFE, mask=0xFFFF, tpl=False,
                  field="error_code"),
    billing=("total_m3", "due_m3", "due_date"),
)
