"""The whole collector app's heap with the property's coded meters (run by
host/bench/bench_app_heap.py on the sim board's 32-bit frozen interpreter, the same build
unfrozen and the 64-bit PyPI binary).

Builds what main.main() builds before its loop (coding table, codec, store, reading policy,
collector, radio-module driver, uplink, console), then puts one hour of the property's
telegrams through Collector.handle_frame, the collector's clock at the property's pace. The
telegrams come from a file, not a radio module (the figures are the app's, not a UART's);
the board is a stand-in whose flash is a directory.

argv: <flash dir with coding.csv and config.json> <telegrams file> <ms between telegrams>
telegrams file: per telegram one byte length, one byte -RSSI (dBm), the frame.
Prints: RESULT <pointer bits> <heap after start> <peak live heap> <stored> <telegrams>
<heap in use before the app (interpreter; the ROM image where it is read into the heap)>
"""
import gc
import sys

gc.collect()
BASE = gc.mem_alloc()           # the interpreter (and on the unix port the ROM image)

_clock = [1704067200.0]


class _Board:                   # stand-in for boards/<board>/board.py
    NAME = "bench"
    RADIO_MODULE = "im871a"

    @staticmethod
    def mount_flash():
        return sys.argv[1]

    @staticmethod
    def now():
        return _clock[0]

    @staticmethod
    def led(on):
        pass

    @staticmethod
    def open_radio_uart():
        return _Quiet()


class _Quiet:                   # a UART that never receives (the driver is built, not run)
    def read(self, n=-1):
        return None

    def readinto(self, buf):
        return None

    def write(self, data):
        return len(data)


sys.modules["board"] = _Board

import main  # noqa: E402
import uplink  # noqa: E402
from console import Console  # noqa: E402
from radio import open_radio  # noqa: E402


_s = {}


def setup():
    """What main.main() builds before its loop, kept in _s."""
    flash = sys.argv[1]
    cfg, _cfg_error, table, coll, st = main.build(flash)
    radio = open_radio(_Board.RADIO_MODULE, _Board.open_radio_uart(), link_mode=cfg["link_mode"])
    up = uplink.Uplink(cfg, st)
    app = main.App(cfg, coll, radio, st, up)
    coll.console = Console(app)
    buf = bytearray(256)
    _s.update(coll=coll, store=st, app=app, f=open(sys.argv[2], "rb"), head=bytearray(2),
              mv=memoryview(buf), step=int(sys.argv[3]) / 1000, n=0, peak=0, start=0)


def feed(count):
    """The next `count` telegrams from the file; False at its end."""
    f, head, mv, handle = _s["f"], _s["head"], _s["mv"], _s["coll"].handle_frame
    for _ in range(count):
        if f.readinto(head) != 2:
            return False
        ln = head[0]
        f.readinto(mv[:ln])
        _clock[0] += _s["step"]
        handle(mv[:ln], -head[1])
        _s["n"] += 1
    return True


def measure():
    """Live data after a collection."""
    gc.collect()
    used = gc.mem_alloc() - BASE
    if not _s["start"]:
        _s["start"] = used
    _s["peak"] = max(_s["peak"], used)


def report():
    bits = 64 if sys.maxsize > 2 ** 32 else 32
    print("RESULT %d %d %d %d %d %d" % (bits, _s["start"], _s["peak"], _s["store"].appended,
                                        _s["n"], BASE))


setup()
measure()
while feed(50):
    measure()
report()
