"""kamwater: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'kamwater', 'WaterMeter', 'cold water',
    aliases=('flowiq2200', 'multical21'),
    detect=(('KAM', 27, 22),
            ('KAW', 58, 22),
            ('KAW', 60, 22)),
    fields=(
        F('flow_temperature_c', 'FlowTemperature', storage=2, mtype=2),
        F('max_flow_m3h', 'VolumeFlow', storage=2, mtype=1),
        F('min_flow_temperature_c', 'FlowTemperature', storage=2, mtype=2),
        F('total_m3', 'Volume'),
        F('flow_m3h', 'VolumeFlow'),
        F('max_flow_temperature_c', 'FlowTemperature', storage=2, mtype=1),
        F('min_external_temperature_last_day_c', 'ExternalTemperature', storage=2, mtype=2),
        F('min_flow_m3h', 'ManufacturerSpecific', comb=0x23),
        F('target_m3', 'Volume', storage=1),
        F('target_date', 'Date', storage=1),
        F('max_external_temperature_c', 'ExternalTemperature', storage=1, mtype=1),
        F('min_external_temperature_last_month_c', 'ExternalTemperature', storage=1, mtype=2),
    ),
    decode=_decode,
)
# TODO (not standard records): current_status, time_bursting, time_dry, time_leaking, time_reversed
