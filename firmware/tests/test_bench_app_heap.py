"""The whole-app heap bench (firmware/tools/bench_app_heap_mp.py, run by `make bench`) still
runs what main.main() builds: a small property through it on the unix port."""
import sys

from fordel import paths
from fordel.sim.property import SimProperty

sys.path.insert(0, str(paths.ROOT / "host" / "bench"))
import bench_collector  # noqa: E402


def test_whole_app_runs_and_stores_every_meter():
    prop = SimProperty(apartments=2, hca_per_apartment=2, seed=4, mode=0)     # 8 meters
    runs = bench_collector.app_heap_runs(prop, 1800, wasm=False)
    bits, start, peak, stored, n = runs["unix port (64-bit)"]
    assert bits == 64
    assert 0 < start <= peak
    # each meter sends every 2-4 minutes: all heard, and each one's first telegram stored
    assert n > 8 * 1800 // 240 and stored >= len(prop.meters)
