"""Engelmann HCA e2 heat cost allocator (hcae2). Standard records: the consumption now, at
the set date (storage 1) with its date, the clock, the time of the first error (function
"value during error"), and 30 half-month consumption deltas (storage 31 = the last half
month, down to storage 2 = 30 half months ago) with the history's start date (storage 2).

The status joins the TPL status and the allocator's hint flags, a manufacturer record
(VIF 0x7F, function "value during error"). Bits as Engelmann's HCA e2 manual (12.2
"Description of hint flags", H 01 ... H 128) describes them; bits 1, 3 and 4 named as
wmbusmeters prints them, the others after the manual's text."""
from ..driver import AT_ERROR, MFCT_VIF, Driver, F, Status

HINT_FLAGS = (
    (0x01, "MEMORY_ERROR"),        # H 01: database access error, replace device
    (0x02, "UNEXPECTED_RST"),      # H 02: reset by POR, RAM parity, access violation
    (0x04, "ANNO_10_11"),          # H 04: tenth / eleventh year of operation
    (0x08, "OPEN_C"),              # H 08: removed from the heat conductor (plug-off)
    (0x10, "SENSOR_BREAK"),        # H 16: a temperature sensor is broken
    (0x20, "SENSOR_SHORT"),        # H 32: a temperature sensor is short-circuited
    (0x40, "WDT_RESET"),           # H 64: reset by the watchdog timer
    (0x80, "REMOTE_SENSOR"),       # H 128: remote sensor mounted
)


DRIVER = Driver(
    "hcae2", "HeatCostAllocationMeter", "heat cost allocation",
    detect=(("EFE", 0x31, 0x08),),
    fields=(
        F("consumption_hca", "HeatCostAllocation"),
        F("consumption_at_set_date_1_hca", "HeatCostAllocation", storage=1),
        F("current_consumption_hca", "HeatCostAllocation"),
        F("target_date", "Date", storage=1),
        F("target_hca", "HeatCostAllocation", storage=1),
        F("meter_datetime", "DateTime"),
        F("meter_datetime_at_error", "DateTime", mtype=AT_ERROR),
        F("half_month_history_start_date", "Date", storage=2),
    ) + tuple(F("delta_%d_half_months_ago_hca" % k, "HeatCostAllocation", storage=32 - k)
              for k in range(1, 31)),
    # the hint flags: a manufacturer record (VIF 7F) with function "value during error"
    status=Status(HINT_FLAGS, mask=0xFF, quantity=MFCT_VIF, mtype=AT_ERROR, prefix="UNKNOWN"),
    billing=('current_consumption_hca', 'target_hca', 'target_date'),
)
