"""The collector's hot path on the sim board, measured (run by host/bench/bench_collector.py):
radio driver (a simulated module on FORDEL_RADIO_PORT) -> codec -> coding -> reading policy
-> record store, with the coding CSV given as argv[1] and N telegrams expected (argv[2]).

Prints one line: RESULT <telegrams/s> <bytes allocated per telegram, steady state>
<peak live heap bytes (sampled after gc.collect every 50 telegrams)> <heap after start>
<stored> <ROM image bytes>
"""
import gc
import os
import sys

if os.getenv("FORDEL_ROMFS"):
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
    root = board.mount_flash()
    table = coding.CodingTable.load(sys.argv[1])
    dec = Decoder()

    def decode(frame, mid, key, driver):
        return dec.decode(frame, key=key, driver=driver)

    st = store.Store(root + "/store")
    clock = [1704067200]
    coll = collector.Collector("bench", table, decode, st,
                               reading_policy.ReadingPolicy(len(table), 6 * 3600),
                               make_record, clock=lambda: clock[0])
    radio = open_radio(board.RADIO_MODULE, board.open_radio_uart(), link_mode="C1T1")
    await radio.start()
    gc.collect()
    start_heap = gc.mem_alloc() - BASE
    print("READY", start_heap)
    peak = start_heap
    n = 0
    t0 = None
    allocs = 0
    sampled = 0
    while n < n_expected:
        f = await radio.next_frame()
        if t0 is None:
            t0 = time.ticks_us()
        clock[0] += 120
        if n % 10 == 5:         # sample: allocation of one telegram with the GC paused
            gc.collect()
            gc.disable()
            a = gc.mem_alloc()
            coll.handle_frame(f.data, f.rssi_dbm)
            allocs += gc.mem_alloc() - a
            sampled += 1
            gc.enable()
        else:
            coll.handle_frame(f.data, f.rssi_dbm)
        if n % 50 == 49:        # live data (after a collection), not garbage awaiting one
            gc.collect()
            used = gc.mem_alloc() - BASE
            if used > peak:
                peak = used
        n += 1
    dt = time.ticks_diff(time.ticks_us(), t0)
    print("RESULT %d %d %d %d %d %d" % (n * 1000000 // max(1, dt), allocs // max(1, sampled),
                                        peak, start_heap, st.appended, ROM_BYTES))


asyncio.run(main())
