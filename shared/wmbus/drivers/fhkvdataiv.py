"""fhkvdataiv: HeatCostAllocationMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'fhkvdataiv', 'HeatCostAllocationMeter', 'heat cost allocation',
    detect=(('TCH', 148, 8),),
    fields=(
        F('current_consumption_hca', 'HeatCostAllocation'),
        F('set_date', 'Date', storage=1),
        F('consumption_at_set_date_hca', 'HeatCostAllocation', storage=1),
        F('set_date_8', 'Date', storage=8),
        F('consumption_at_set_date_3_hca', 'HeatCostAllocation', storage=8),
        F('consumption_at_set_date_4_hca', 'HeatCostAllocation', storage=8),
        F('consumption_at_set_date_5_hca', 'HeatCostAllocation', storage=8),
        F('consumption_at_set_date_6_hca', 'HeatCostAllocation', storage=8),
        F('consumption_at_set_date_7_hca', 'HeatCostAllocation', storage=8),
        F('consumption_at_set_date_8_hca', 'HeatCostAllocation', storage=8),
        F('consumption_at_set_date_9_hca', 'HeatCostAllocation', storage=8),
        F('consumption_at_set_date_10_hca', 'HeatCostAllocation', storage=8),
        F('consumption_at_set_date_11_hca', 'HeatCostAllocation', storage=8),
        F('consumption_at_set_date_12_hca', 'HeatCostAllocation', storage=8),
        F('consumption_at_set_date_13_hca', 'HeatCostAllocation', storage=8),
        F('consumption_at_set_date_14_hca', 'HeatCostAllocation', storage=8),
        F('consumption_at_set_date_14', 'Date', storage=1),
    ),
    decode=_decode,
)
# TODO (not standard records): consumption_at_set_date_1_hca, consumption_at_set_date_1, consumption_at_set_date_2_hca, consumption_at_set_date_2, consumption_at_set_date_3, consumption_at_set_date_4, consumption_at_set_date_5, consumption_at_set_date_6, consumption_at_set_date_7, consumption_at_set_date_8, consumption_at_set_date_9, consumption_at_set_date_10, consumption_at_set_date_11, consumption_at_set_date_12, consumption_at_set_date_13
