"""eurisii: HeatCostAllocationMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, error_flag_names, status_text, tpl_status_names

# error flag bits (VIF FD 17) as the published telegrams name them
_FLAGS = ((0x01, "MEASUREMENT"), (0x20, "RESET"))


def _decode(t, rec, out):
    flags = error_flag_names(rec, _FLAGS)
    out["error_flags"] = status_text(flags)
    out["status"] = status_text(tpl_status_names(t.tpl_status) + flags)


DRIVER = Driver(
    'eurisii', 'HeatCostAllocationMeter', 'heat cost allocation',
    detect=(('INE', 85, 8),),
    fields=(
        F('current_consumption_hca', 'HeatCostAllocation'),
        F('consumption_at_set_date_hca', 'HeatCostAllocation', storage=1),
        F('consumption_at_set_date_1_hca', 'HeatCostAllocation', storage=1),
        F('consumption_at_set_date_2_hca', 'HeatCostAllocation', storage=2),
        F('consumption_at_set_date_3_hca', 'HeatCostAllocation', storage=3),
        F('consumption_at_set_date_4_hca', 'HeatCostAllocation', storage=4),
        F('consumption_at_set_date_5_hca', 'HeatCostAllocation', storage=5),
        F('consumption_at_set_date_6_hca', 'HeatCostAllocation', storage=6),
        F('consumption_at_set_date_7_hca', 'HeatCostAllocation', storage=7),
        F('consumption_at_set_date_8_hca', 'HeatCostAllocation', storage=8),
        F('consumption_at_set_date_9_hca', 'HeatCostAllocation', storage=9),
        F('consumption_at_set_date_10_hca', 'HeatCostAllocation', storage=10),
        F('consumption_at_set_date_11_hca', 'HeatCostAllocation', storage=11),
        F('consumption_at_set_date_12_hca', 'HeatCostAllocation', storage=12),
        F('consumption_at_set_date_13_hca', 'HeatCostAllocation', storage=13),
        F('consumption_at_set_date_14_hca', 'HeatCostAllocation', storage=14),
        F('consumption_at_set_date_15_hca', 'HeatCostAllocation', storage=15),
        F('consumption_at_set_date_16_hca', 'HeatCostAllocation', storage=16),
        F('consumption_at_set_date_17_hca', 'HeatCostAllocation', storage=17),
    ),
    decode=_decode,
)
