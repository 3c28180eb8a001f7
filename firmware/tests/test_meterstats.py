"""firmware/meterstats.py inside the micropython binary: counting allocates nothing."""
import json
import subprocess

from fordel.paths import FIRMWARE, micropython_binary

SCRIPT = r"""
import sys, json, gc
sys.path.insert(0, %r)
from meterstats import MeterStats, OK, CRC, DECRYPT
s = MeterStats(500)
s.count(3, OK); s.count(3, OK); s.count(3, DECRYPT); s.heard(3, -71, 1700000000)
gc.collect(); before = gc.mem_alloc()
for i in range(1000):
    s.count(i %% 500, CRC)
after = gc.mem_alloc()
for i in range(100):
    s.heard_uncoded(0x50000000 + i, -90, 1700000001, "ABC", 8)
print(json.dumps({"m3": s.meter(3), "m4": s.meter(4), "tot": s.totals(),
                  "alloc": after - before, "dropped": s.uncoded_dropped,
                  "n_uncoded": len(s.uncoded)}))
"""


def test_counts_per_meter_and_bounded_uncoded_list():
    proc = subprocess.run([micropython_binary(), "-X", "heapsize=96K", "-c",
                           SCRIPT % str(FIRMWARE)],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["m3"]["ok"] == 2 and out["m3"]["decrypt_failures"] == 1
    assert out["m3"]["crc_errors"] == 2          # 1000 CRC errors spread over 500 slots
    assert out["m3"]["last_rssi_dbm"] == -71 and out["m3"]["last_seen"] == 1700000000
    assert out["m4"]["last_seen"] is None
    assert out["tot"]["crc_errors"] == 1000 and out["tot"]["ok"] == 2
    assert out["alloc"] < 100   # 1000 counts: only the loop itself allocates, not a count
    assert out["n_uncoded"] == 64 and out["dropped"] == 36
