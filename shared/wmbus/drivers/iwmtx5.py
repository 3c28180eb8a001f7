"""iwmtx5: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


# manufacturer bits of the TPL status byte, as the published telegrams name them
_MFCT = ((0x40, "TAMPER"),)


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status, _MFCT))


DRIVER = Driver(
    'iwmtx5', 'WaterMeter', 'warm water',
    detect=(('BMT', 24, 6),),
    fields=(
        F('total_m3', 'Volume'),
        F('meter_datetime', 'DateTime'),
    ),
    decode=_decode,
)
