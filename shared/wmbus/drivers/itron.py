"""itron: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F, status_text, tpl_status_names


def _decode(t, rec, out):
    out["status"] = status_text(tpl_status_names(t.tpl_status))
    # two manufacturer-specific records (VIF 7F), printed as the maker's raw words
    i = rec.find(0x37F, 0x37F)
    if i >= 0:
        out["unknowna"] = "WOOTA_%X" % (rec.raw(i) & 0xFFFFFFFF)
        j = rec.find(0x37F, 0x37F, 0, 0, 0, 0, -1, i + 1)
        if j >= 0:
            out["unknownb"] = "WOOTB_%X" % (rec.raw(j) & 0xFFFFFFFF)


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
