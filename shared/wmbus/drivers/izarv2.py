"""Diehl/Sappel IZAR radio water meters, second naming (izarv2): the same PRIOS telegrams as
izar, readings named target_m3 / target_date."""
from .. import mbdate
from ..driver import Driver
from . import _prios


def _decode(t, rec, out):
    plain = _prios.decode_common(t, out)
    if plain is None:
        return
    f = t.frame
    out["target_m3"] = (plain[5] | plain[6] << 8 | plain[7] << 16 | plain[8] << 24) / 1000
    out["target_date"] = mbdate.type_g(plain[9], plain[10])
    out["battery_y"] = _prios.battery_years(f)
    cur, prev = _prios.alarms(f)
    out["status"] = "OK" if cur == "no_alarm" else cur.upper().replace(",", " ")
    _prios.sap_identity(t, f, out, "manufacture_y")


DRIVER = Driver(
    "izarv2", "WaterMeter", "water",
    detect=(),      # same ids as izar: chosen by name
    media_from_type=False,
    records=False,
    decode=_decode,
)
