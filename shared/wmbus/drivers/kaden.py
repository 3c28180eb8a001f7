"""kaden: HeatCostAllocationMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'kaden', 'HeatCostAllocationMeter', 'heat cost allocation',
    detect=(('VIP', 30, 8),),
    fields=(
        F('consumption_hca', 'HeatCostAllocation'),
        F('external_temperature_c', 'ExternalTemperature'),
        F('fabrication_no', 'FabricationNo', kind='text'),
        F('flow_temperature_c', 'FlowTemperature'),
        F('meter_datetime', 'DateTime'),
        F('no_measurement_duration_h', 0x75),
        F('no_measurement_duration_last_year_h', 'ActualityDuration', storage=1),
        F('tampering_duration_h', 0x74),
        F('target_date', 'Date', storage=1),
        F('target_hca', 'HeatCostAllocation', storage=1),
    ),
    decode=_decode,
    billing=('consumption_hca', 'target_hca', 'target_date'),
)
