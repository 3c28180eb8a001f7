"""Inelco/Ram Euris II heat cost allocator (eurisii): standard OMS records; units now and at
the last 17 set dates (storage 1-17), the error flags with the maker's names joined with the
TPL status (printed as status and, the older name, error_flags), as wmbusmeters' eurisii
driver lists them."""
from ..driver import Driver, F, Status

ERROR_FLAGS = ((0x0001, "MEASUREMENT"), (0x0002, "SABOTAGE"), (0x0004, "BATTERY"),
               (0x0008, "CS"), (0x0010, "HF"), (0x0020, "RESET"))


DRIVER = Driver(
    "eurisii", "HeatCostAllocationMeter", "heat cost allocation",
    detect=(("INE", 0x55, 0x08), ("RAM", 0x55, 0x08)),
    fields=(
        F("current_consumption_hca", "HeatCostAllocation"),
        F("consumption_at_set_date_hca", "HeatCostAllocation", storage=1),
        F("consumption_at_set_date_{storage}_hca", "HeatCostAllocation", storage=(1, 17)),
    ),
    status=Status(ERROR_FLAGS, mask=0xFFFF, also_field="error_flags"),
    billing=("current_consumption_hca", "consumption_at_set_date_hca", None),
)
