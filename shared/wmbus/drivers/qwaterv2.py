"""Qundis Q water 5.5, second naming (qwaterv2): the same telegrams as qwater (see there for
the CI 0x78 manufacturer layout), readings named target/target_year, and the 0x78 layout's
twelve 16-bit consumption deltas (litres, offset 28) as volume_delta_2 .. volume_delta_13."""
from ..driver import AT_ERROR, INSTANT, MFCT_VIF, Driver, F
from .qwater import WALK_BY, WALK_BY_LEN, _bcd_l, _date

NO_DATE = None


def _decode(t, rec, out):
    i = rec.find(MFCT_VIF, MFCT_VIF, INSTANT, 0, 0, 0, WALK_BY)
    if i < 0 or rec.length(i) != WALK_BY_LEN:
        return
    d = rec.data
    o = rec.offset(i)
    n = rec.length(i)
    out["total_m3"] = _bcd_l(d, o + 12)
    out["target_year_date"] = _date(d, o + 16)
    out["target_year_m3"] = _bcd_l(d, o + 18)
    out["target_date"] = _date(d, o + 22)
    out["target_m3"] = _bcd_l(d, o + 24)
    for k in range(12):
        p = o + 28 + 2 * k
        if p + 2 > o + n:
            break
        out["volume_delta_%d_m3" % (k + 2)] = (d[p] | d[p + 1] << 8) / 1000


DRIVER = Driver(
    "qwaterv2", "WaterMeter", "water",
    detect=(),      # same ids as qwater: chosen by name (coding / --driver)
    fields=(
        F("total_m3", "Volume"),
        F("target_year_m3", "Volume", storage=1),
        F("target_year_date", "Date", storage=1, invalid=NO_DATE),
        F("target_m3", "Volume", storage=17),
        F("target_date", "Date", storage=17, invalid=NO_DATE),
        F("volume_flow_m3h", "VolumeFlow", comb=-2),
        F("device_error_date", "Date", mtype=AT_ERROR, invalid=NO_DATE),
        F("meter_datetime", "DateTime"),
    ),
    decode=_decode,
    status=True,
)
