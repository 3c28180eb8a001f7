"""Engelmann FAW water meters (engelmann_faw): standard OMS records, Engelmann's error-flag
names, the reading at the reporting (billing) date at storage 1 and 15 monthly readings at
storage 2-16 (storage n: n-1 months ago). The meter sends compact frames (CI 0x73, long
header) of the one format below (from wmbusmeters' engelmann_faw driver)."""
from ..driver import Driver, F, Status
from ._library import use

ERROR_FLAGS = (
    (0x01, "VOLUME_DETECTION_COILS_DEFECT"), (0x02, "RESET"), (0x04, "CRC_ERROR"),
    (0x08, "REMOVAL_DETECTED"), (0x10, "MAGNETIC_MANIPULATION"), (0x20, "LEAKAGE"),
    (0x40, "BLOCKED"), (0x80, "REVERSE_FLOW"),
)

DRIVER = Driver(
    "engelmann_faw", "WaterMeter", "water",
    aliases=("engelmann-faw",),
    detect=(("EFE", 0x00, 0x06), ("EFE", 0x00, 0x07), ("EFE", 0x00, 0x16)),
    formats=("426C441301FD17840113C40113840213C40213840313C40313840413C40413840513C40513"
             "840613C40613840713C40713840813046D0413",),
    fields=use("total_m3", "meter_datetime") + (
        F("reporting_date", "Date", storage=1, invalid=None),
        F("consumption_at_reporting_date_m3", "Volume", storage=1),
        F("consumption_{n}_months_ago_m3", "Volume", storage=(2, 16), offset=-1),
    ),
    status=Status(ERROR_FLAGS, mask=0xFF),
    billing=("total_m3", "consumption_at_reporting_date_m3", "reporting_date"),
)
