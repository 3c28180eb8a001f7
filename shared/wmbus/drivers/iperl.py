"""Sensus iPERL water meter (iperl): the total volume and the flow record, which Sensus
calls the maximum flow of the previous period although it is sent as an instantaneous
VolumeFlow record (names as wmbusmeters' iperl driver gives them)."""
from ..driver import Driver, F

DRIVER = Driver(
    "iperl", "WaterMeter", "water",
    detect=(("SEN", 0x68, 0x06), ("SEN", 0x68, 0x07), ("SEN", 0x7C, 0x07)),
    fields=(
        F("total_m3", "Volume"),
        F("max_flow_m3h", "VolumeFlow"),
    ),
    billing=("total_m3", None, None),
)
