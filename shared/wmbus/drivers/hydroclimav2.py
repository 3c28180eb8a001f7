"""hydroclimav2: HeatCostAllocationMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'hydroclimav2', 'HeatCostAllocationMeter', 'heat cost allocation',
    detect=(('BMP', 83, 8),
            ('BMP', 133, 8)),
    fields=(
        F('consumption_hca', 'HeatCostAllocation'),
        F('consumption_at_set_date_2_hca', 'HeatCostAllocation', storage=1),
        F('target_date', 'Date', storage=1),
        F('target_hca', 'HeatCostAllocation', storage=1),
    ),
    decode=_decode,
)
# TODO (not standard records): average_ambient_temperature_c, average_ambient_temperature_last_month_c, average_heater_temperature_last_month_c, max_ambient_temperature_c, total_consumption_hca, ambient_temperature_at_set_date_1_c, ambient_temperature_at_set_date_2_c, ambient_temperature_at_set_date_3_c, average_heater_temperature_c, consumption_at_set_date_1_hca, consumption_at_set_date_3_hca, consumption_at_set_date_4_hca
