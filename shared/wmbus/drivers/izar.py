"""Diehl/Sappel IZAR radio water meters (izar): PRIOS-scrambled manufacturer telegrams
(CI 0xA0-0xA7), see _prios.py. The plain bytes: 0x4B, the total (u32 LE, litres), then
(when sent) last month's total and its date (type G bits; a two-digit year above 80 is
19xx), printed as the meter stores them (wmbusmeters' izar driver)."""
from ..driver import Driver
from . import _prios


def _last_month_date(b9, b10):
    y = ((b10 & 0xF0) >> 1) + ((b9 & 0xE0) >> 5)
    y += 1900 if y > 80 else 2000
    return "%d-%02d-%02d" % (y, (b10 & 0x0F) % 99, (b9 & 0x1F) % 99)


def _decode(t, rec, out):
    plain = _prios.decode_common(t, out)
    if plain is None:
        return
    f = t.frame
    if len(plain) > 8:
        out["last_month_total_m3"] = (plain[5] | plain[6] << 8 | plain[7] << 16 |
                                      plain[8] << 24) / 1000
    if len(plain) > 10:
        out["last_month_measure_date"] = _last_month_date(plain[9], plain[10])
    out["remaining_battery_life_y"] = _prios.battery_years(f)
    out["current_alarms"], out["previous_alarms"] = _prios.alarms(f)
    _prios.sap_identity(t, f, out, "manufacture_year")


DRIVER = Driver(
    "izar", "WaterMeter", "water",
    # (manufacturer, version, type) after Diehl's address transformation (link.py);
    # version -1: any
    detect=(("HYD", 0x85, 0x07), ("SAP", -1, 0x15), ("SAP", -1, 0x04), ("SAP", 0x00, 0x07),
            ("DME", 0x78, 0x07), ("DME", 0x78, 0x06), ("HYD", 0x86, 0x07)),
    media_from_type=False,
    records=False,
    decode=_decode,
    billing=("total_m3", "last_month_total_m3", "last_month_measure_date"),
)
