"""firmware/reading_policy.py on the micropython binary: first, every 6 h, on change but not
more often than every 15 min."""
import json
import subprocess

from fordel.paths import FIRMWARE, micropython_binary

SCRIPT = r"""
import sys, json
sys.path[:0] = [%r, %r]
from reading_policy import ReadingPolicy
p = ReadingPolicy(2, min_interval_s=6 * 3600, change_interval_s=900)
out = []
def tel(slot, v, t):
    vals = {"total_m3": v}
    s = p.should_store(slot, vals, t)
    if s:
        p.stored(slot, vals, t)
    out.append(s)
tel(0, 1.0, 0)          # first: stored
tel(0, 1.0, 120)        # same value: skipped
tel(0, 1.5, 240)        # changed, 4 min after: skipped (change interval)
tel(0, 1.5, 1000)       # changed since last stored, 16 min: stored
tel(0, 1.5, 2000)       # same: skipped
tel(0, 1.5, 1000 + 6 * 3600)   # 6 h: stored even unchanged
tel(1, 7.0, 50)         # another meter: its own first
# due(): whether a telegram is worth decoding at all
due = [p.due(1, 50 + 60), p.due(1, 50 + 900)]      # 1 min: no; 15 min: yes
tel(1, 7.0, 50 + 900)   # decoded, unchanged: next check one change interval later
due += [p.due(1, 50 + 1200), p.due(1, 50 + 1800), p.due(0, 1000 + 6 * 3600 + 60)]
p2 = ReadingPolicy(1)
due += [p2.due(0, 0), p2.due(0, 0)]                # never stored: always due
print(json.dumps({"out": out, "skipped": p.skipped, "due": due,
                  "not_due": p.not_due, "unchanged": p.unchanged}))
"""


def test_policy():
    script = SCRIPT % (str(FIRMWARE), str(FIRMWARE.parent / "shared"))
    p = subprocess.run([micropython_binary(), "-X", "heapsize=96K", "-c", script],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stdout + p.stderr
    got = json.loads(p.stdout)
    assert got["out"] == [True, False, False, True, False, True, True, False]
    assert got["unchanged"] == 4
    assert got["due"] == [False, True, False, True, False, True, True]
    assert got["not_due"] == 3
    assert got["skipped"] == 7
