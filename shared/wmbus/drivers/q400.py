"""Axioma Qalcosonic W1 / Q400 water meters (q400): standard OMS records; the set-date
(billing period end) values at storage 1; remaining battery (VIF FD 74) as the maker sends
it, a percentage (wmbusmeters' q400 driver)."""
from ..driver import BACKWARD_FLOW, FORWARD_FLOW, Driver, F
from ._library import use

DRIVER = Driver(
    "q400", "WaterMeter", "water",
    detect=(("AXI", 0x01, 0x07), ("AXI", 0x10, 0x07)),
    fields=use("meter_datetime", "on_time_h", "total_m3", "total_forward_m3",
               "total_backward_m3", "flow_temperature_c", "volume_flow_m3h") + (
        F("set_datetime", "DateTime", storage=1),
        F("consumption_at_set_date_m3", "Volume", storage=1),
        F("forward_at_set_date_m3", "Volume", storage=1, comb=FORWARD_FLOW),
        F("backward_at_set_date_m3", "Volume", storage=1, comb=BACKWARD_FLOW),
        # FD 74 is "remaining battery life (days)" in EN 13757-3; Axioma sends percent:
        # the raw number, undone from the day scaling
        F("battery_pct", "RemainingBattery", unit="d"),
    ),
    status=True,
    billing=("total_m3", "consumption_at_set_date_m3", "set_datetime"),
)
