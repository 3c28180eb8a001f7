"""The whole-app heap run of `make bench` (fordel/devtools/app_heap.py driving
firmware/tools/bench_app_heap_mp.py) still runs
what main.main() builds: a small property through it on the PyPI unix port."""
import pathlib

from fordel import paths
from fordel.devtools.app_heap import AppHeapRun
from fordel.sim.property import SimProperty


def test_whole_app_runs_and_stores_every_meter(tmp_path):
    prop = SimProperty(apartments=2, hca_per_apartment=2, seed=4)           # 8 meters
    run = AppHeapRun(prop, 1800, tmp_path)
    res = run(pathlib.Path(paths.micropython_binary()), False, 256 + run.rom_k())
    assert not isinstance(res, str), res
    bits, start, peak, stored, n, base = res
    assert bits == 64
    # the ROM image is read into the heap before the app starts: counted in base, not start
    assert base > run.rom.stat().st_size and 0 < start <= peak
    # each meter sends every 2-4 minutes: all heard, and each one's first telegram stored
    assert n > 8 * 1800 // 240 and stored >= len(prop.meters)
