"""picoflux: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


# manufacturer bits of the TPL status byte, as the published telegrams name them
_MFCT = ((0x20, "LEAK_FLOW_HIGH"), (0x40, "LEAK_FLOW_LOW"))


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status, _MFCT))


DRIVER = Driver(
    'picoflux', 'WaterMeter', 'water',
    detect=(('ECM', 5, 7),),
    fields=(
        F('actuality_duration_s', 'ActualityDuration'),
        F('total_backward_m3', 'Volume', comb=0x3C),
        F('total_m3', 'Volume'),
        F('meter_datetime', 'DateTime'),
    ),
    decode=_decode,
)
