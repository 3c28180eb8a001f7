"""BFW 240 radio heat cost allocator (bfw240radio): after 2F 2F the payload is manufacturer
data, not DIF/VIF records (byte layout as wmbusmeters' bfw240radio driver reads it):

    [0:2] 2F 2F  [2:4] ?  [4:6] previous period, [6:8] current period (HCA units,
    16 bits big-endian)  [8:10] ?  [10:37] nine 3-byte groups of monthly history, months
    18+17 first, 2+1 last  [37:40] device date (day, month, year as BCD)

A history group (bytes b0 b1 b2) holds two 12-bit values: the older month is
(b1 >> 4) * 256 + b0, the newer (b1 & 0x0F) * 256 + b2. The device date is counted from
its fields as wmbusmeters counts it (an impossible day rolls over, mbdate.from_fields).
"""
from .. import mbdate
from ..driver import Driver


def _bcd(b):
    return (b >> 4) * 10 + (b & 0x0F)


def _decode(t, rec, out):
    d = t.payload
    o = t.pos
    if t.end - o < 40:
        return
    out["current_hca"] = d[o + 6] << 8 | d[o + 7]
    out["prev_hca"] = d[o + 4] << 8 | d[o + 5]
    for k in range(9):                    # group k holds months 18-2k (older), 17-2k
        g = o + 10 + 3 * k
        newer = 17 - 2 * k
        out["prev_%02d_hca" % newer] = (d[g + 1] & 0x0F) << 8 | d[g + 2]
        out["prev_%02d_hca" % (newer + 1)] = (d[g + 1] >> 4) << 8 | d[g]
    day, month, year = _bcd(d[o + 37]), _bcd(d[o + 38]), _bcd(d[o + 39])
    out["device_date"] = mbdate.from_fields(2000 + year, month, day)


DRIVER = Driver(
    "bfw240radio", "HeatCostAllocationMeter", "heat cost allocation",
    detect=(("BFW", 0x02, 0x08),),
    records=False,
    decode=_decode,
    billing=('current_hca', 'prev_hca', None),
)
