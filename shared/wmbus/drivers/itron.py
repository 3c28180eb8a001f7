"""itron: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))


DRIVER = Driver(
    'itron', 'WaterMeter', 'water',
    detect=(('ITW', 3, 7),),
    fields=(
        F('enhanced_id', 'EnhancedIdentification', kind='hex'),
        F('meter_datetime', 'DateTime'),
        F('total_m3', 'Volume'),
        F('target_m3', 'Volume', storage=1),
        F('target_date', 'Date', storage=1),
    ),
    decode=_decode,
)
# TODO (not standard records): unknowna, unknownb
