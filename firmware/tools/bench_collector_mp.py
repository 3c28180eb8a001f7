"""The collector's hot path on the sim board, measured (run by host/bench/bench_collector.py):
radio driver (a simulated module on FORDEL_RADIO_PORT) -> codec -> coding -> reading policy
-> record store, with the coding CSV given as argv[1], N telegrams expected (argv[2]) and the
property's mean time between two telegrams in ms (argv[3]: the collector's clock advances by
that much per telegram, so the reading policy sees the meters' real send intervals).

The first half of the telegrams is the warm-up (every meter heard and stored once); the
allocation figures are taken over the second half, the steady state. Prints one line:
RESULT <telegrams/s> <bytes allocated per telegram, steady state> <peak live heap bytes
(sampled after gc.collect every 50 telegrams)> <heap after start> <stored> <ROM image bytes>
<bytes per decoded telegram> <bytes per stored telegram> <share decoded, per mille>
"""
import gc
import os
import sys

if "/rom" in sys.path:             # imported from the ROM image (bench_collector.py)
    ROM_BYTES = os.stat(os.getenv("FORDEL_ROMFS"))[6]
elif os.getenv("FORDEL_ROMFS"):
    import vfs
    with open(os.getenv("FORDEL_ROMFS"), "rb") as _f:
        _ROM = _f.read()
    vfs.mount(vfs.VfsRom(_ROM), "/rom")
    sys.path.insert(0, "/rom")
    ROM_BYTES = len(_ROM)
else:
    ROM_BYTES = 0
gc.collect()
BASE = gc.mem_alloc()           # the ROM image (flash on an ESP32) and the interpreter

import asyncio  # noqa: E402
import time  # noqa: E402

import board  # noqa: E402
import coding  # noqa: E402
import collector  # noqa: E402
import reading_policy  # noqa: E402
import store  # noqa: E402
from meterrecord import make_record  # noqa: E402
from radio import open_radio  # noqa: E402
from wmbus import Decoder  # noqa: E402


async def main():
    n_expected = int(sys.argv[2])
    step = int(sys.argv[3]) / 1000
    root = board.mount_flash()
    table = coding.CodingTable.load(sys.argv[1])
    dec = Decoder()

    def decode(frame, mid, key, driver, out=None):
        return dec.decode(frame, key=key, driver=driver, out=out)

    st = store.Store(root + "/store")
    clock = [1704067200.0]
    policy = reading_policy.ReadingPolicy(len(table), 6 * 3600)
    coll = collector.Collector("bench", table, decode, st, policy, make_record,
                               clock=lambda: clock[0])
    radio = open_radio(board.RADIO_MODULE, board.open_radio_uart(), link_mode="C1T1")
    await radio.start()
    gc.collect()
    start_heap = gc.mem_alloc() - BASE
    print("READY", start_heap)
    peak = start_heap
    n = 0
    t0 = None
    warm = n_expected // 2
    # sampled telegrams: [all, decoded, stored] counts and bytes
    cnt = [0, 0, 0]
    byt = [0, 0, 0]
    while n < n_expected:
        try:        # a frame the radio driver dropped (its ring full) must not hang the bench
            f = await asyncio.wait_for(radio.next_frame(), 20)
        except asyncio.TimeoutError:
            print("LOST %d of %d telegrams: none for 20 s" % (n_expected - n, n_expected))
            break
        if t0 is None:
            t0 = time.ticks_us()
        clock[0] += step
        if n >= warm and n % 10 == 5:   # sample: one telegram's allocation, GC paused
            skipped = policy.not_due
            appended = st.appended
            gc.collect()
            gc.disable()
            a = gc.mem_alloc()
            coll.handle_frame(f.data, f.rssi_dbm)
            d = gc.mem_alloc() - a
            gc.enable()
            cnt[0] += 1
            byt[0] += d
            if st.appended != appended:
                cnt[2] += 1
                byt[2] += d
            elif policy.not_due == skipped:
                cnt[1] += 1
                byt[1] += d
        else:
            coll.handle_frame(f.data, f.rssi_dbm)
        if n % 50 == 49:        # live data (after a collection), not garbage awaiting one
            gc.collect()
            used = gc.mem_alloc() - BASE
            if used > peak:
                peak = used
        n += 1
    dt = time.ticks_diff(time.ticks_us(), t0)
    print("RESULT %d %d %d %d %d %d %d %d %d" % (
        n * 1000000 // max(1, dt), byt[0] // max(1, cnt[0]), peak, start_heap, st.appended,
        ROM_BYTES, byt[1] // max(1, cnt[1]), byt[2] // max(1, cnt[2]),
        1000 * (cnt[1] + cnt[2]) // max(1, cnt[0])))


asyncio.run(main())
