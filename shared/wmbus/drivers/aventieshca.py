"""Aventies heat cost allocator (AAA, version 0x55): standard OMS records. HCA units at
storage 0 are the current reading, at storage 1 the reading at the last set (billing)
date, at storage 2-17 the readings at the set dates before it. Error flags (VIF FD 17)
by the meter's bit names (as wmbusmeters' aventieshca lists them); other records are listed
in unknown_records."""
from ..driver import Driver, F, Status

_FLAGS = ((0x01, "MEASUREMENT"), (0x02, "SABOTAGE"), (0x04, "BATTERY"), (0x08, "CS"), (0x10, "HF"),
          (0x20, "RESET"))

_FIELDS = (
    F("current_consumption_hca", "HeatCostAllocation"),
    F("consumption_at_set_date_hca", "HeatCostAllocation", storage=1),
    F("consumption_at_set_date_{storage}_hca", "HeatCostAllocation", storage=(2, 17)),
    F("set_date", "Date", storage=1),
    F("set_date_{storage}", "Date", storage=(2, 17)),
    F("device_datetime", "DateTime"),
)


DRIVER = Driver(
    "aventieshca", "HeatCostAllocationMeter", "heat cost allocation",
    detect=(("AAA", 0x55, 0x08),),
    fields=_FIELDS,
    # the flags alone also as error_flags ("" when none is set, as wmbusmeters prints it)
    status=Status(_FLAGS, flags_field="error_flags", flags_ok=""),
    report_unknown=True,
)
