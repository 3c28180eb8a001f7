"""Apator E-ITN 30 heat cost allocator (apatoreitn), manufacturer CI 0xA0 or 0xB6. Byte layout
as wmbusmeters' apatoreitn driver reads it. A 0xB6 payload starts with a count n, n bytes
not decoded and the byte 0xA0; then (or at once after CI 0xA0):

    season start (low byte of a packed date whose high byte is 0xA0)  2 bytes pad
    previous period HCA (u16)  electronic seal break date (packed, 0 = none)
    current HCA (u16)  current date (packed)  previous and current season's average room
    temperature (u16, 1/256 °C)

A packed date (u16 LE): bits 0-4 day, 5-8 month, 9-13 year since 2000, counted as
wmbusmeters does (an impossible day rolls into the next month, mbdate.from_fields). The
status is SEAL_BROKEN when a seal break date is set, else OK.
"""
from .. import mbdate
from ..driver import Driver, le_uint

DIRECT_LEN = 15         # the bytes from the season start to the current average temperature


def _date(raw):
    return mbdate.from_fields(2000 + ((raw >> 9) & 0x1F), (raw >> 5) & 0x0F, raw & 0x1F)


def _decode(t, rec, out):
    d = t.payload
    o = t.pos
    end = t.end
    if t.ci == 0xB6:
        if o >= end:
            return
        o += 1 + d[o]
        if o >= end or d[o] != 0xA0:
            return
        o += 1
    elif o < end and d[o] == 0xA0 and end - o == DIRECT_LEN + 1:
        o += 1
    if end - o < DIRECT_LEN:
        return
    esb = le_uint(d, o + 5, 2)
    out["current_hca"] = le_uint(d, o + 7, 2)
    out["previous_hca"] = le_uint(d, o + 3, 2)
    out["current_date"] = _date(le_uint(d, o + 9, 2))
    out["season_start_date"] = _date(0xA000 | d[o])
    out["esb_date"] = _date(esb) if esb else None
    out["status"] = "SEAL_BROKEN" if esb else "OK"
    out["temp_room_avg_c"] = le_uint(d, o + 13, 2) / 256
    out["temp_room_prev_avg_c"] = le_uint(d, o + 11, 2) / 256


DRIVER = Driver(
    "apatoreitn", "HeatCostAllocationMeter", "heat cost allocation",
    detect=(("APA", 0x04, 0x08), ("APT", 0x04, 0x08)),
    records=False,
    decode=_decode,
    billing=('current_hca', 'previous_hca', 'season_start_date'),
)
