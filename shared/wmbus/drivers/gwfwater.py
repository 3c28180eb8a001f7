"""GWF water meter (gwfwater): readings from the standard records; the manufacturer record
(DIF 0x0F) of type 0x01 holds status flags (byte 1) and a battery/power byte (byte 2: bits
3-7 remaining battery life in half years, bit 0 power saving mode), as wmbusmeters'
gwfwater driver reads them. Another type byte is not understood: it is reported as
UNKNOWN_MFCT_STATUS_<type> and the battery is null."""
from ..driver import (ANY, ANY_COMB, MFCT_DATA, Driver, flag_names, status_text,
                      tpl_status_names)
from ._library import use

MFCT_FLAGS = ((0x02, "CONTINUOUS_FLOW"), (0x08, "BROKEN_PIPE"), (0x20, "BATTERY_LOW"),
              (0x40, "BACKFLOW"))


def _decode(t, rec, out):
    names = tpl_status_names(t.tpl_status)
    i = rec.find(MFCT_DATA, MFCT_DATA, ANY, ANY, ANY, ANY, ANY_COMB)
    if i >= 0 and rec.length(i) >= 1:
        d = rec.data
        o = rec.offset(i)
        n = rec.length(i)
        if d[o] == 0x01 and n >= 3:
            names += flag_names(d[o + 1], MFCT_FLAGS)
            b = d[o + 2]
            out["power_mode"] = "SAVING" if b & 0x01 else "NORMAL"
            out["battery_y"] = (b >> 3) / 2
        else:
            names.append("UNKNOWN_MFCT_STATUS_%X" % d[o])
            out["battery_y"] = None
    out["status"] = status_text(names)


DRIVER = Driver(
    "gwfwater", "WaterMeter", "water",
    detect=(("GWF", 0x3C, 0x07), ("GWF", 0x01, 0x0E)),
    fields=use("actuality_duration_s", "total_m3", "target_m3", "target_date"),
    decode=_decode,
)
