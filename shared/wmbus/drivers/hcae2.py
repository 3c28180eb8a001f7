"""hcae2: HeatCostAllocationMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'hcae2', 'HeatCostAllocationMeter', 'heat cost allocation',
    detect=(('EFE', 49, 8),),
    fields=(
        F('consumption_hca', 'HeatCostAllocation'),
        F('consumption_at_set_date_1_hca', 'HeatCostAllocation', storage=1),
        F('current_consumption_hca', 'HeatCostAllocation'),
        F('target_date', 'Date', storage=1),
        F('target_hca', 'HeatCostAllocation', storage=1),
        F('meter_datetime', 'DateTime'),
        F('meter_datetime_at_error', 'DateTime', mtype=3),
        F('delta_10_half_months_ago_hca', 'HeatCostAllocation', storage=22),
        F('delta_11_half_months_ago_hca', 'HeatCostAllocation', storage=3),
        F('delta_12_half_months_ago_hca', 'HeatCostAllocation', storage=20),
        F('delta_13_half_months_ago_hca', 'HeatCostAllocation', storage=4),
        F('delta_14_half_months_ago_hca', 'HeatCostAllocation', storage=7),
        F('delta_15_half_months_ago_hca', 'HeatCostAllocation', storage=8),
        F('delta_16_half_months_ago_hca', 'HeatCostAllocation', storage=9),
        F('delta_17_half_months_ago_hca', 'HeatCostAllocation', storage=10),
        F('delta_18_half_months_ago_hca', 'HeatCostAllocation', storage=11),
        F('delta_19_half_months_ago_hca', 'HeatCostAllocation', storage=12),
        F('delta_1_half_months_ago_hca', 'HeatCostAllocation', storage=31),
        F('delta_20_half_months_ago_hca', 'HeatCostAllocation', storage=13),
        F('delta_21_half_months_ago_hca', 'HeatCostAllocation', storage=14),
        F('delta_22_half_months_ago_hca', 'HeatCostAllocation', storage=15),
        F('delta_23_half_months_ago_hca', 'HeatCostAllocation', storage=16),
        F('delta_24_half_months_ago_hca', 'HeatCostAllocation', storage=17),
        F('delta_25_half_months_ago_hca', 'HeatCostAllocation', storage=7),
        F('delta_26_half_months_ago_hca', 'HeatCostAllocation', storage=6),
        F('delta_27_half_months_ago_hca', 'HeatCostAllocation', storage=5),
        F('delta_28_half_months_ago_hca', 'HeatCostAllocation', storage=19),
        F('delta_29_half_months_ago_hca', 'HeatCostAllocation', storage=21),
        F('delta_2_half_months_ago_hca', 'HeatCostAllocation', storage=30),
        F('delta_30_half_months_ago_hca', 'HeatCostAllocation', storage=2),
        F('delta_3_half_months_ago_hca', 'HeatCostAllocation', storage=29),
        F('delta_4_half_months_ago_hca', 'HeatCostAllocation', storage=28),
        F('delta_5_half_months_ago_hca', 'HeatCostAllocation', storage=27),
        F('delta_6_half_months_ago_hca', 'HeatCostAllocation', storage=26),
        F('delta_7_half_months_ago_hca', 'HeatCostAllocation', storage=25),
        F('delta_8_half_months_ago_hca', 'HeatCostAllocation', storage=24),
        F('delta_9_half_months_ago_hca', 'HeatCostAllocation', storage=23),
        F('half_month_history_start_date', 'Date', storage=2),
    ),
    decode=_decode,
)
