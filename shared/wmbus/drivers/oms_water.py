"""Generic OMS water meter (vandmåler) for brands without a driver of their own: meter
reading, reading at the due (billing) date, flow and the meter clock."""
from ..driver import Driver, F
from ._library import use


DRIVER = Driver(
    "oms-water", "WaterMeter", "water",
    fields=(
        F("total_m3", "Volume"),
        F("target_date", "Date", storage=1, invalid=None),  # all ones: no set date
        F("target_m3", "Volume", storage=1),
        F("flow_m3h", "AnyFlowVIF"),
        F("meter_datetime", "DateTime"),
    ) + use("total_backward_m3", "meter_date"),
    status=True,                # the TPL status byte (error flags: the makers name them)
)
