"""Decode speed and allocation on the collector's interpreter (run by host/bench/bench_decode.py):

    micropython -X heapsize=96K bench_decode_mp.py FILE.hex [KEYS.csv]

Decodes every line once to warm caches, then times a pass with the GC running normally and
a pass with gc.disable() to count bytes allocated per telegram (gc.mem_alloc delta)."""
import gc
import sys
import time

from wmbus import Decoder, WMBusError, unhex
from wmbus.keys import read_keys

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
dec = Decoder(keys=keys, drivers=drivers)
for fr in frames:
    try:
        dec.decode(fr)
    except WMBusError:
        pass
reps = 20
gc.collect()
t0 = time.ticks_us()
n = 0
for _ in range(reps):
    for fr in frames:
        try:
            dec.decode(fr)
        except WMBusError:
            pass
        n += 1
dt = time.ticks_diff(time.ticks_us(), t0)
worst = 0
total = 0
for fr in frames:
    gc.collect()
    gc.disable()
    a0 = gc.mem_alloc()
    try:
        dec.decode(fr)
    except WMBusError:
        pass
    d = gc.mem_alloc() - a0
    gc.enable()
    total += d
    worst = max(worst, d)
gc.collect()
print("RESULT", n * 1000000 // max(1, dt), total // len(frames), worst, gc.mem_free())
