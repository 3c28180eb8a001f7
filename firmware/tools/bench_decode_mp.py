"""Decode speed and allocation on the collector's interpreter (run by host/bench/bench_decode.py):

    micropython -X heapsize=96K bench_decode_mp.py FILE.hex [KEYS.csv [generic]]

Each meter is decoded with its own driver (the keys file's driver column, as a collector's
coding names it), or with "generic" by the standard OMS drivers only (oms-hca, oms-water:
what fits a 96K heap when the file holds 39 brands). The file's distinct telegrams (it repeats
them; up to 200, in file order, so compact frames follow their full frames) are decoded once
to warm caches, then timed in 20 passes
with the GC running normally, then decoded once more with gc.disable() to count the bytes
allocated per telegram (gc.mem_alloc delta). A telegram that fails to decode is counted:
the bench is only valid when that count is 0.

Prints: RESULT <telegrams/s> <bytes per telegram> <worst bytes> <free heap> <failed>"""
import gc
import os
import sys
import time

if "/rom" not in sys.path and os.getenv("FORDEL_ROMFS"):   # the firmware image
    import vfs
    with open(os.getenv("FORDEL_ROMFS"), "rb") as _f:
        _ROM = _f.read()
    vfs.mount(vfs.VfsRom(_ROM), "/rom")
    sys.path.insert(0, "/rom")

from wmbus import Decoder, WMBusError, unhex  # noqa: E402
from wmbus.keys import read_keys  # noqa: E402

dec = Decoder()         # first: its record arrays want contiguous heap
GENERIC = len(sys.argv) > 3 and sys.argv[3] == "generic"
if len(sys.argv) > 2:
    with open(sys.argv[2]) as f:
        dec.keys, drivers = read_keys(f, sys.argv[2])
    if not GENERIC:
        dec.drivers = drivers
    drivers = None
frames = []
with open(sys.argv[1]) as f:          # the file repeats its distinct telegrams: stop there
    for line in f:
        line = line.strip()
        if line:
            fr = unhex(line)
            if frames and fr == frames[0]:
                break
            frames.append(fr)
            if len(frames) >= 200:
                break
gc.collect()


def _driver(fr):
    # "generic": the standard OMS drivers a collector with few brands holds (allocator for
    # device type 0x08/0x80, water otherwise), not each meter's own
    if not GENERIC:
        return None
    return "oms-hca" if fr[9] in (0x08, 0x80) else "oms-water"


def one_pass():
    bad = 0
    for fr in frames:
        try:
            dec.decode(fr, driver=_driver(fr))
        except WMBusError:
            bad += 1
    return bad


failed = one_pass()
reps = 20
gc.collect()
t0 = time.ticks_us()
for _ in range(reps):
    one_pass()
dt = time.ticks_diff(time.ticks_us(), t0)
n = reps * len(frames)
worst = 0
total = 0
for fr in frames:
    gc.collect()
    gc.disable()
    a0 = gc.mem_alloc()
    try:
        dec.decode(fr, driver=_driver(fr))
    except WMBusError:
        pass
    d = gc.mem_alloc() - a0
    gc.enable()
    total += d
    worst = max(worst, d)
gc.collect()
print("RESULT", n * 1000000 // max(1, dt), total // len(frames), worst, gc.mem_free(), failed)
