"""Diehl/Sappel IZAR radio water meters, second naming (izarv2): the same PRIOS telegrams as
izar; readings named target_m3 / target_date (the date's fields counted from 2000-01 as
months and days, mbdate.from_fields; a year above 80 is 19xx); status from the 24 alarm
bits of the header (wmbusmeters' izarv2 driver)."""
from .. import mbdate
from ..driver import Driver, flag_names, status_text
from . import _prios


def _decode(t, rec, out):
    plain = _prios.decode_common(t, out)
    if plain is None:
        return
    f = t.frame
    if len(plain) >= 11:
        out["target_m3"] = (plain[5] | plain[6] << 8 | plain[7] << 16 | plain[8] << 24) / 1000
        raw = plain[9] | plain[10] << 8
        y = (((raw >> 8) & 0xF0) >> 1) + ((raw >> 5) & 0x07)
        if y > 80:
            y -= 100
        out["target_date"] = mbdate.from_fields(2000 + y, (raw >> 8) & 0x0F, raw & 0x1F)
    out["battery_y"] = _prios.battery_years(f)
    out["status"] = status_text(flag_names(_prios.alarm_bits(f), _prios.ALARM_BITS))
    _prios.sap_identity(t, f, out, "manufacture_y")


DRIVER = Driver(
    "izarv2", "WaterMeter", "water",
    renames="izar",  # the same PRIOS telegrams as izar
    detect=(("HYD", 0x85, 0x07), ("SAP", -1, 0x15), ("SAP", -1, 0x04), ("SAP", 0x00, 0x07),
            ("DME", 0x78, 0x07), ("DME", 0x78, 0x06), ("HYD", 0x86, 0x07)),
    media_from_type=False,
    records=False,
    decode=_decode,
)
