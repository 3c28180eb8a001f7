"""Decode speed and allocation on the collector's interpreter (run by host/bench/bench_decode.py):

    micropython -X heapsize=96K bench_decode_mp.py FILE.hex [KEYS.csv]

Decodes with the generic OMS drivers (oms-hca for device type 0x08, else oms-water), as a
collector with few brands would hold in RAM; decodes every line once to warm caches, then times a pass with the GC running normally and
a pass with gc.disable() to count bytes allocated per telegram (gc.mem_alloc delta)."""
import gc
import os
import sys
import time

if os.getenv("FORDEL_ROMFS"):          # the firmware image, as the collector runs it
    import vfs
    with open(os.getenv("FORDEL_ROMFS"), "rb") as _f:
        _ROM = _f.read()
    vfs.mount(vfs.VfsRom(_ROM), "/rom")
    sys.path.insert(0, "/rom")

from wmbus import Decoder, WMBusError, unhex  # noqa: E402
from wmbus.keys import read_keys  # noqa: E402

dec = Decoder()         # first: its record arrays want contiguous heap
keys, drivers = {}, {}
if len(sys.argv) > 2:
    with open(sys.argv[2]) as f:
        keys, drivers = read_keys(f, sys.argv[2])
frames = []
with open(sys.argv[1]) as f:
    for line in f:
        line = line.strip()
        if line:
            frames.append(unhex(line))
            if len(frames) >= 60:
                break
dec.keys = keys
drivers = {}
kinds = [("oms-hca" if fr[9] in (0x08, 0x80) else "oms-water") for fr in frames]
for fr, k in zip(frames, kinds):
    try:
        dec.decode(fr, driver=k)
    except WMBusError:
        pass
reps = 20
gc.collect()
t0 = time.ticks_us()
n = 0
for _ in range(reps):
    for fr, k in zip(frames, kinds):
        try:
            dec.decode(fr, driver=k)
        except WMBusError:
            pass
        n += 1
dt = time.ticks_diff(time.ticks_us(), t0)
worst = 0
total = 0
for fr, k in zip(frames, kinds):
    gc.collect()
    gc.disable()
    a0 = gc.mem_alloc()
    try:
        dec.decode(fr, driver=k)
    except WMBusError:
        pass
    d = gc.mem_alloc() - a0
    gc.enable()
    total += d
    worst = max(worst, d)
gc.collect()
print("RESULT", n * 1000000 // max(1, dt), total // len(frames), worst, gc.mem_free())
