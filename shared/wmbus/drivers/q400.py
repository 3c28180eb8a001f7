"""q400: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'q400', 'WaterMeter', 'water',
    detect=(('AXI', 16, 7),),
    fields=(
        F('battery_pct', 'RemainingBattery', unit='d'),   # the meter sends percent here
        F('meter_datetime', 'DateTime'),
        F('total_m3', 'Volume'),
        F('total_forward_m3', 'Volume', comb=0x3B),     # VIFE 0x3B: forward flow only
        F('total_backward_m3', 'Volume', comb=0x3C),    # VIFE 0x3C: backward flow only
        F('flow_temperature_c', 'FlowTemperature'),
        F('volume_flow_m3h', 'VolumeFlow'),
        F('set_datetime', 'DateTime', storage=1),
        F('consumption_at_set_date_m3', 'Volume', storage=1),
        F('forward_at_set_date_m3', 'Volume', storage=1, comb=0x3B),
        F('backward_at_set_date_m3', 'Volume', storage=1, comb=0x3C),
    ),
    decode=_decode,
    billing=('total_m3', 'consumption_at_set_date_m3', 'set_datetime'),
)
# TODO (not standard records): battery_pct
