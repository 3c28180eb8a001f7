"""The record store survives power cuts: the micropython process is killed (SIGKILL) at random
points while it appends and acknowledges records; on every restart the store must open,
hold every record it reported stored and not yet acknowledged, hold no duplicate and no gap,
and continue with the next sequence number. 200 kills here, 1,000 with FORDEL_LONG=1."""
import os
import random
import select
import signal
import subprocess
import time

from flash_script import flash_command, flash_env, last_json, run_on_flash

WRITER = r"""
s = store.Store(root + "/store", segment_bytes=1024, reserve=8192)
seqs = []
bad = 0
for seq, raw in s.records():
    r = meterrecord.decode(raw)
    if r["seq"] != seq or r["values"]["n"] != seq or r["telegram"] != bytes([seq & 0xFF]) * 20:
        bad += 1
    seqs.append(seq)
gaps = sum(1 for a, b in zip(seqs, seqs[1:]) if b != a + 1)
print("OPEN %d %d %d %d %d %d %d" % (s.next_seq, s.acked, len(seqs),
      seqs[0] if seqs else -1, seqs[-1] if seqs else -1, gaps, bad))
while True:
    n = s.next_seq
    rec = meterrecord.make_record("pc", 0x12345678, 1700000000 + n, -70, {"n": n},
                                  {"n": n}, {"multiplier": 1.0}, bytes([n & 0xFF]) * 20)
    got = s.append(rec)
    print("STORED", got)
    if got % 9 == 8:
        s.ack(got - 4)
        print("ACKED", got - 4)
"""


def _run_once(env, rng, min_lines):
    p = subprocess.Popen(flash_command(WRITER), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         env=env)
    out = b""
    deadline = time.monotonic() + 10
    kill_after = None
    while time.monotonic() < deadline:
        r, _, _ = select.select([p.stdout], [], [], 0.05)
        if r:
            chunk = os.read(p.stdout.fileno(), 65536)
            if not chunk:
                break
            out += chunk
            if kill_after is None and out.count(b"\n") >= 1:
                kill_after = time.monotonic() + rng.uniform(0.0, 0.06)
        if kill_after is not None and time.monotonic() >= kill_after and \
                out.count(b"STORED") >= min_lines:
            break
    p.send_signal(signal.SIGKILL)
    rest, err = p.communicate()
    out += rest
    lines = out.decode(errors="replace").splitlines()
    if lines and not out.endswith(b"\n"):
        lines.pop()             # the kill cut this line short: it was not fully reported
    return lines, err.decode(errors="replace")


def test_power_cut_at_random_points(tmp_path):
    kills = 1000 if os.getenv("FORDEL_LONG") else 200
    rng = random.Random(20261124)
    env = flash_env(tmp_path / "flash.img", 256 * 1024)
    stored = set()        # every seq the store reported stored
    acked = -1            # what we acknowledged (the store persists it before returning)
    last_seq = -1
    opens = 0
    for k in range(kills + 1):
        lines, err = _run_once(env, rng, 0 if k % 3 else 1)
        opened = [ln for ln in lines if ln.startswith("OPEN")]
        if not opened:
            continue            # killed before the store opened: nothing to check
        opens += 1
        nxt, s_acked, count, first, last, gaps, bad = (int(x) for x in opened[0].split()[1:])
        assert bad == 0 and gaps == 0, (k, opened[0])
        assert s_acked >= acked - 0, (k, s_acked, acked)
        want = {s for s in stored if s > s_acked}
        if want:                # every stored, unacknowledged record is there
            assert first <= min(want) and last >= max(want), (k, opened[0], min(want), max(want))
        assert count == (last - first + 1 if count else 0)
        assert nxt == max(last, s_acked, last_seq) + 1, (k, opened[0], last_seq)
        seqs = [int(ln.split()[1]) for ln in lines if ln.startswith("STORED")]
        if seqs:
            assert seqs[0] == nxt and seqs == list(range(nxt, nxt + len(seqs))), (k, seqs[:3])
            assert not stored.intersection(seqs), "a sequence number repeated"
            stored.update(seqs)
            last_seq = seqs[-1]
        for ln in lines:
            if ln.startswith("ACKED"):
                acked = max(acked, int(ln.split()[1]))
    assert opens >= kills * 0.9 and len(stored) > kills, (opens, len(stored))



# 400 records of about 230 bytes into a 48 KiB flash with 1 KiB segments and 8 KiB kept
# free: more than the flash holds. Reports the store's status and what is pending, then the
# status of the store opened again (after a reboot).
FILL_SMALL_FLASH = r"""
s = store.Store(root + "/store", segment_bytes=1024, reserve=8192)
for n in range(400):
    s.append(meterrecord.make_record("pc", 1, 1700000000 + n, -70, {"n": n}, {}, {},
                                     bytes(200)))
st = s.status()
pending = [seq for seq, _raw in s.pending(1000, 1 << 20)]
s._close()
st2 = store.Store(root + "/store", segment_bytes=1024, reserve=8192).status()
print(json.dumps({"status": st, "pending": pending, "reopened": st2}))
"""


def test_full_flash_drops_oldest_pending_and_counts(tmp_path):
    got = last_json(run_on_flash(FILL_SMALL_FLASH, tmp_path / "small.img", 48 * 1024))
    st, pending = got["status"], got["pending"]
    dropped, segs = st["dropped_records"], st["dropped_segments"]
    assert st["next_seq"] == 400 and pending[-1] == 399   # every append succeeded, newest kept
    assert dropped > 0 and segs > 0                       # flash filled: oldest were dropped...
    assert pending == list(range(dropped, 400))           # ...exactly those, counted, no gap
    # the counts are persisted: the store opened again (a reboot) still shows them
    reopened = got["reopened"]
    assert (reopened["dropped_records"], reopened["dropped_segments"]) == (dropped, segs)
