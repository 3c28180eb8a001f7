"""Diehl/Sappel IZAR radio water meters (izar): PRIOS-scrambled manufacturer telegrams
(CI 0xA1-0xA3), see _prios.py."""
from .. import mbdate
from ..driver import Driver
from . import _prios


def _decode(t, rec, out):
    plain = _prios.decode_common(t, out)
    if plain is None:
        return
    f = t.frame
    out["last_month_total_m3"] = (plain[5] | plain[6] << 8 | plain[7] << 16 | plain[8] << 24) / 1000
    out["last_month_measure_date"] = mbdate.type_g(plain[9], plain[10])
    out["remaining_battery_life_y"] = _prios.battery_years(f)
    out["current_alarms"], out["previous_alarms"] = _prios.alarms(f)
    _prios.sap_identity(t, f, out, "manufacture_year")


DRIVER = Driver(
    "izar", "WaterMeter", "water",
    detect=(("DME", 0x23, 0x66), ("DME", 0x48, 0x20), ("SAP", 0x0C, 0x04)),
    media_from_type=False,
    records=False,
    decode=_decode,
    billing=('total_m3', 'last_month_total_m3', 'last_month_measure_date'),
)
