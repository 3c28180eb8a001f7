"""Qundis Q caloric heat cost allocators, and the Lorenz/Sontex rebrands WHE 5x and WHE 46x
(and a Zenner one): standard OMS records. HCA units now (storage 0), at the set date and
the set date itself (storage 1), earlier set dates and values (storage 2-17), the date of
an error (function field "at error"); status from the TPL status byte and the error-flags
record DIF 01 VIF FD 73 (as wmbusmeters' qcaloric driver reads them)."""
from ..driver import AT_ERROR, Driver, F, Status
from ._library import use

DRIVER = Driver(
    "qcaloric", "HeatCostAllocationMeter", "heat cost allocation",
    aliases=("whe5x", "whe46x"),
    detect=(("LSE", 0x34, 0x08), ("LSE", 0x35, 0x08), ("QDS", 0x35, 0x08),
            ("QDS", 0x34, 0x08), ("QDS", 0x36, 0x08), ("LSE", 0x18, 0x08),
            ("ZRI", 0xFD, 0x08)),
    fields=(
        F("current_consumption_hca", "HeatCostAllocation"),
        F("set_date", "Date", storage=1),
        F("consumption_at_set_date_hca", "HeatCostAllocation", storage=1),
        F("set_date_{storage}", "Date", storage=(1, 17)),
        F("consumption_at_set_date_{storage}_hca", "HeatCostAllocation", storage=(1, 17)),
        F("error_date", "Date", mtype=AT_ERROR, invalid=""),
        F("device_datetime", "DateTime"),
        F("flow_temperature_c", "FlowTemperature"),
    ) + use("model_version"),
    status=Status(quantity=0x173, mask=0xFF),
)
