"""Zenner minomess water meters (wireless and wired M-Bus).

Standard OMS records. The reading at the start of the month (target) is at storage 8 in the
radio telegram and at storage 1 in the wired one; the status record (VIF FD 17, 16 bits)
has Zenner's bit names (as wmbusmeters' minomess driver lists them)."""
from ..driver import Driver, F, Status
from ._library import use

ERROR_FLAGS = (
    (0x8000, "WAS_REMOVED"), (0x4000, "WAS_TAMPERED"), (0x2000, "WAS_LEAKING"),
    (0x1000, "TEMPORARY_ERROR"), (0x0800, "PERMANENT_ERROR"), (0x0400, "BATTERY_EOL"),
    (0x0200, "ABNORMAL_ERROR"), (0x0080, "BURSTING"), (0x0040, "REMOVED"),
    (0x0020, "LEAKING"), (0x0010, "WAS_BACKFLOWING"), (0x0008, "BACKFLOWING"),
    (0x0004, "WAS_BLOCKED"), (0x0002, "UNDERSIZED"), (0x0001, "OVERSIZED"),
)

DRIVER = Driver(
    "minomess", "WaterMeter", "water",
    detect=(("ZRI", 0x00, 0x07), ("ZRI", 0x01, 0x16), ("ZRI", 0x01, 0x06)),
    fields=use("meter_date", "fabrication_no", "operating_time_h", "on_time_h",
               "on_time_at_error_h", "meter_datetime", "total_m3", "total_backward_m3",
               "volume_flow_m3h") + (
        F("target_m3", "Volume", storage=8),
        F("target_date", "Date", storage=8, invalid=""),
        F("target_m3", "Volume", storage=1),
        F("target_date", "Date", storage=1, invalid=""),
    ),
    status=Status(ERROR_FLAGS, mask=0xFFFF, tpl=False),
)
