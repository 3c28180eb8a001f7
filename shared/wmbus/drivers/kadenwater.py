"""kadenwater: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


# manufacturer bits of the TPL status byte, as the published telegrams name them
_MFCT = ((0x20, "LEAK_FLOW_HIGH"), (0x40, "LEAK_FLOW_LOW"))


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status, _MFCT))


DRIVER = Driver(
    'kadenwater', 'WaterMeter', 'water',
    detect=(('KDN', 1, 7),
            ('VIP', 1, 7)),
    fields=(
        F('actuality_duration_s', 'ActualityDuration'),
        F('duration_b_s', 'ActualityDuration', index=2),
        F('max_flow_m3h', 'VolumeFlow', mtype=1),
        F('total_m3', 'Volume'),
        F('volume_b_m3', 'Volume', index=2),
        F('volume_flow_m3h', 'VolumeFlow'),
        F('fabrication_no', 'FabricationNo', kind='text'),
        F('meter_datetime', 'DateTime'),
    ),
    decode=_decode,
)
