"""Qundis Q caloric heat cost allocators, and the Lorenz/Sontex rebrands WHE 5x and WHE 46x."""
from ..driver import Driver, F, status_text, tpl_status_names


def _status(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    "qcaloric", "HeatCostAllocationMeter", "heat cost allocation",
    aliases=("whe5x", "whe46x"),
    detect=(("QDS", 0x35, 0x08), ("QDS", 0x34, 0x08), ("LSE", 0x34, 0x08),
            ("LSE", 0x18, 0x08)),
    fields=(
        F("current_consumption_hca", "HeatCostAllocation"),
        F("set_date", "Date", storage=1),
        F("consumption_at_set_date_hca", "HeatCostAllocation", storage=1),
        F("set_date_{storage}", "Date", storage=(1, 31)),
        F("consumption_at_set_date_{storage}_hca", "HeatCostAllocation", storage=(1, 31)),
        F("error_date", "Date", mtype=3, invalid=""),
        F("device_datetime", "DateTime"),
        F("model_version", "ModelVersion", kind="hex"),
        F("flow_temperature_c", "FlowTemperature"),
    ),
    decode=_status)
