"""caltose: HeatCostAllocationMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'caltose', 'HeatCostAllocationMeter', 'heat cost allocation',
    detect=(('ZRI', 252, 8),),
    fields=(
        F('base_date', 'Date', storage=8),
        F('base_hca', 'HeatCostAllocation', storage=8),
        F('consumption_hca', 'HeatCostAllocation'),
        F('consumption_1_hca', 'HeatCostAllocation', storage=1),
        F('consumption_1', 'Date', storage=1),
        F('target_date', 'Date', storage=1),
        F('target_hca', 'HeatCostAllocation', storage=1),
    ),
    decode=_decode,
)
# TODO (not standard records): consumption_2_hca, consumption_2, consumption_3_hca, consumption_3, consumption_4_hca, consumption_4
