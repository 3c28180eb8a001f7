"""Techem FHKV data III/IV radio heat cost allocator, manufacturer telegram (CI 0xA0/0xA2).
The first byte names the layout (as wmbusmeters' fhkvdataiii grammar lists them):

    01 or 11: [1:3] set date  [3:5] units at the set date  [5:7] current date
              [7:9] units now  [9:11] room, [11:13] radiator temperature (1/100 °C)
    0F:       the same with one more byte before the temperatures

Any other first byte is a layout this driver does not know: nothing is read."""
from ..driver import Driver
from . import _techem as tm

LAYOUTS = {0x01: 9, 0x11: 9, 0x0F: 10}     # first byte -> offset of the temperatures


def _decode(t, rec, out):
    d = t.payload
    o = t.pos
    if o >= t.end:
        return
    temps = LAYOUTS.get(d[o])
    if temps is None:
        out["unknown_layout"] = "%02X" % d[o]
        return
    if t.end - o < 9:
        return
    prev = tm.previous_date(d, o + 1)
    out["previous_date"] = tm.text(prev)
    out["previous_hca"] = tm.u16(d, o + 3)
    out["current_date"] = tm.text(tm.current_date(d, o + 5, prev, zero_fix=True))
    out["current_hca"] = tm.u16(d, o + 7)
    p = o + temps
    if p + 4 <= t.end:
        out["temp_room_c"] = tm.u16(d, p) / 100
        out["temp_radiator_c"] = tm.u16(d, p + 2) / 100


DRIVER = Driver(
    "fhkvdataiii", "HeatCostAllocationMeter", "heat cost allocator",
    detect=(("TCH", 0x69, 0x80), ("TCH", 0x94, 0x80)),
    media_map={0x80: "heat cost allocator"},
    records=False,
    decode=_decode,
    billing=("current_hca", "previous_hca", "previous_date"),
)
