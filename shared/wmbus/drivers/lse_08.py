"""lse_08: HeatCostAllocationMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'lse_08', 'HeatCostAllocationMeter', 'heat cost allocation',
    detect=(('LSE', 1, 8),),
    fields=(
        F('set_date', 'Date', storage=8),
        F('consumption_at_set_date_hca', 'HeatCostAllocation', storage=8),
        F('device_datetime', 'DateTime'),
        F('duration_since_readout_h', 'DurationSinceReadout', comb=0x7E),
        F('model_version', 'ModelVersion', kind='hex'),
    ),
    decode=_decode,
)
