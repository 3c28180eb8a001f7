"""Qundis Q caloric (and the Lorenz/Sontex rebrands WHE5x) heat cost allocators."""
from ..driver import Driver, F, status_text, tpl_status_names


def _status(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    "qcaloric", "HeatCostAllocationMeter", "heat cost allocation",
    aliases=("whe5x",),
    detect=(("QDS", 0x35, 0x08), ("QDS", 0x34, 0x08), ("LSE", 0x34, 0x08)),
    fields=(
        F("current_consumption_hca", "HeatCostAllocation"),
        F("set_date", "Date", storage=1),
        F("consumption_at_set_date_hca", "HeatCostAllocation", storage=1),
        F("set_date_{storage}", "Date", storage=(1, 31)),
        F("consumption_at_set_date_{storage}_hca", "HeatCostAllocation", storage=(1, 31)),
        F("error_date", "Date", mtype=3, invalid=""),
        F("device_datetime", "DateTime"),
    ),
    decode=_status)
