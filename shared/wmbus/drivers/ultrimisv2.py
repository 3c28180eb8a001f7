"""ultrimisv2: WaterMeter (fields as wmbusmeters names them; decoded from the standard DIF/VIF records)."""
from ..driver import Driver, F


# error flags (VIF FD 17), bit names as the published telegrams show them
# (0x04/0x10 are told apart by one telegram only: DRY/HIGH_TEMPERATURE may be swapped)
_FLAGS = ((0x04, "DRY"), (0x10, "HIGH_TEMPERATURE"), (0x4000, "REVERSE_THIS_MONTH"),
          (0x080000, "NO_FLOW_PREV_MONTH"))


def _decode(t, rec, out):
    i = rec.find(0x117, 0x117)
    v = rec.raw(i) if i >= 0 else 0
    names = [n for bit, n in _FLAGS if v & bit]
    names.sort()
    out["status"] = " ".join(names) if names else "OK"


DRIVER = Driver(
    'ultrimisv2', 'WaterMeter', 'cold water',
    detect=(('APA', 1, 22),
            ('APA', 32, 22)),
    fields=(
        F('total_m3', 'Volume'),
        F('target_m3', 'Volume', storage=1),
        F('total_backward_m3', 'Volume', comb=0x3C),
    ),
    decode=_decode,
)
