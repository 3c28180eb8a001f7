"""Techem FHKV data III/IV radio heat cost allocator, manufacturer telegram (CI 0xA0/0xA2):

    [0] status  [1:3] set date  [3:5] units at the set date  [5:7] current date
    [7:9] units now  ([9] one more status byte in CI 0xA2)  then room and radiator
    temperature, 16 bits LE in 1/100 °C."""
from ..driver import Driver
from . import _techem as tm


def _decode(t, rec, out):
    d = t.payload
    o = t.pos
    if t.end - o < 13:
        return
    prev = tm.previous_date(d, o + 1)
    out["previous_date"] = tm.text(prev)
    out["previous_hca"] = tm.u16(d, o + 3)
    out["current_date"] = tm.text(tm.current_date(d, o + 5, prev))
    out["current_hca"] = tm.u16(d, o + 7)
    p = o + (10 if t.ci == 0xA2 else 9)
    if p + 4 <= t.end:
        out["temp_room_c"] = tm.u16(d, p) / 100
        out["temp_radiator_c"] = tm.u16(d, p + 2) / 100


DRIVER = Driver(
    "fhkvdataiii", "HeatCostAllocationMeter", "heat cost allocator",
    detect=(("TCH", 0x69, 0x80), ("TCH", 0x94, 0x80)),
    media_map={0x80: "heat cost allocator"},
    records=False,
    decode=_decode,
    billing=('current_hca', 'previous_hca', 'previous_date'),
)
