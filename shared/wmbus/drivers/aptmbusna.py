"""aptmbusna: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'aptmbusna', 'WaterMeter', 'water',
    detect=(('APA', 21, 7),),
    fields=(
        F('fabrication_no', 'FabricationNo', kind='hex'),
        F('meter_datetime', 'DateTime'),
        F('operating_time_h', 'OperatingTime'),
        F('target_date', 'Date', storage=1),
        F('target_m3', 'Volume', storage=1),
        F('total_m3', 'Volume'),
        F('volume_flow_m3h', 'VolumeFlow'),
    ),
    decode=_decode,
)
