"""Lorenz (LSE) heat cost allocator, version 0x01 (lse_08): standard OMS records; the set
date and its value at storage 8, the time since the last readout (VIFE "future value"),
status from the TPL status byte and the record DIF 01 VIF FD 73 (as wmbusmeters' lse_08
driver reads them)."""
from ..driver import Driver, F, Status
from ._library import use

FUTURE_VALUE = 0x7E     # the combinable VIFE of the duration-since-readout record

DRIVER = Driver(
    "lse_08", "HeatCostAllocationMeter", "heat cost allocation",
    detect=(("LSE", 0x01, 0x08),),
    fields=(
        F("current_consumption_hca", "HeatCostAllocation"),
        F("set_date", "Date", storage=8),
        F("consumption_at_set_date_hca", "HeatCostAllocation", storage=8),
        F("device_datetime", "DateTime"),
        F("duration_since_readout_h", "DurationSinceReadout", comb=FUTURE_VALUE),
    ) + use("model_version"),
    status=Status(quantity=0x173, mask=0xFF),
)
