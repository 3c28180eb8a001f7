"""firmware/reading_policy.py on the micropython binary: a full record first, one compact
reading a calendar day, a set-date record when the meter passes its set date, a full record
on an alarm; a telegram is decoded at most about once an hour otherwise."""
import json
import subprocess

from fordel.paths import FIRMWARE, SHARED, micropython_binary

SCRIPT = r"""
import sys, json
sys.path[:0] = [%r, %r]
from reading_policy import ReadingPolicy
p = ReadingPolicy(2)
DAY = 86400
T0 = 1735689600 + 8 * 3600          # 2025-01-01 08:00 UTC
out = []
def tel(slot, t, v, set_date="2024-12-31", status="OK"):
    vals = {"current_consumption_hca": v, "set_date": set_date, "status": status}
    due = p.due(slot, t)
    form = p.decide(slot, vals, t) if due else None
    if form:
        p.stored(slot, vals, t)
    out.append([due, form])
tel(0, T0, 10)                      # first telegram: full
tel(0, T0 + 120, 10)                # 2 min later: not due (not decoded)
tel(0, T0 + 3600, 11)               # an hour later: decoded, same day: skipped
tel(0, T0 + 3600 + 240, 11)         # 4 min after that check: not due
tel(0, T0 + 16 * 3600 + 60, 12)     # 00:01 the next day: compact
H = T0 + 16 * 3600 + 60            # every 3 h on the second day
tel(0, H + 3 * 3600, 12)            # nothing new: skipped
tel(0, H + 6 * 3600, 12, "2025-01-01")          # the meter passed a set date: set-date
tel(0, H + 9 * 3600, 12, "2025-01-01", "leak")  # alarm: full
tel(0, H + 12 * 3600, 12, "2025-01-01", "leak")     # the same alarm: skipped
tel(0, H + 15 * 3600, 12, "2025-01-01")         # alarm cleared: compact
tel(1, T0, 5)                       # another meter: its own first
print(json.dumps({"out": out, "not_due": p.not_due, "unchanged": p.unchanged,
                  "full": p.full, "compact": p.compact, "set_date": p.set_date}))
"""


def test_policy():
    p = subprocess.run([micropython_binary(), "-X", "heapsize=96K", "-c",
                        SCRIPT % (str(FIRMWARE), str(SHARED))],
                       capture_output=True, text=True, timeout=30)
    assert p.returncode == 0, p.stdout + p.stderr
    got = json.loads(p.stdout)
    SKIP, COMPACT, FULL, SET = 0, 1, 2, 3
    assert got["out"] == [[True, FULL], [False, None], [True, SKIP], [False, None],
                          [True, COMPACT], [True, SKIP], [True, SET], [True, FULL],
                          [True, SKIP], [True, COMPACT], [True, FULL]]
    assert (got["full"], got["compact"], got["set_date"]) == (3, 2, 1)
    assert got["not_due"] == 2 and got["unchanged"] == 3
