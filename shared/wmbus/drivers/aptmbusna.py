"""Apator APT-MBUS-NA-1 water meter (aptmbusna, wired M-Bus): standard records; the status
joins the TPL status byte and the error flags (VIF FD 17, three bytes: P_ = happened in the
past, without prefix = now), bit names as wmbusmeters' aptmbusna driver gives them."""
from ..driver import Driver, Status
from ._library import use

ERROR_FLAGS = (
    (0x000001, "P_MAGNETIC_FIELD"), (0x000002, "P_STRONG_LIGHT"),
    (0x000004, "P_MBUS_DISCONNECTED"), (0x000008, "P_DETECTION_WITHOUT_CHANGES"),
    (0x000010, "P_MINIMUM_FLOW"), (0x000020, "P_MAXIMUM_FLOW"), (0x000040, "P_REVERSE_FLOW"),
    (0x000080, "P_LEAK"),
    (0x000100, "P_PROCESSOR_RESET"), (0x000200, "P_CLOCK_HAND_ERROR"),
    (0x000400, "BATTERY_LOW"), (0x000800, "P_DETECTOR_ERROR"),
    (0x010000, "MAGNETIC_FIELD"), (0x020000, "STRONG_LIGHT"), (0x040000, "MBUS_DISCONNECTED"),
    (0x080000, "DETECTION_WITHOUT_CHANGES"), (0x100000, "MINIMUM_FLOW"),
    (0x200000, "MAXIMUM_FLOW"), (0x400000, "REVERSE_FLOW"), (0x800000, "PROCESSOR_RESET"),
)

DRIVER = Driver(
    "aptmbusna", "WaterMeter", "water",
    detect=(("APA", 0x15, 0x07),),
    fields=use("meter_datetime", "fabrication_no", "total_m3", "target_m3", "target_date",
               "volume_flow_m3h", "operating_time_h"),
    status=Status(ERROR_FLAGS, mask=0xFFFFFF),
)
