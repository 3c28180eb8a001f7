"""Aventies water meter (aventieswm): standard OMS records; the total and the readings at
the last 14 set dates (storage 1-14); the error flags with the maker's names (as
wmbusmeters' aventieswm driver lists them), alone (error_flags) and joined with the TPL
status (status)."""
from ..driver import Driver, F, Status

ERROR_FLAGS = ((0x01, "MEASUREMENT"), (0x02, "SABOTAGE"), (0x04, "BATTERY"), (0x08, "CS"),
               (0x10, "HF"), (0x20, "RESET"))


DRIVER = Driver(
    "aventieswm", "WaterMeter", "water",
    detect=(("AAA", 0x25, 0x07),),
    fields=(
        F("total_m3", "Volume"),
        F("consumption_at_set_date_{storage}_m3", "Volume", storage=(1, 14)),
    ),
    status=Status(ERROR_FLAGS, mask=0xFFFF, flags_field="error_flags"),
    billing=("total_m3", "consumption_at_set_date_1_m3", None),
)
