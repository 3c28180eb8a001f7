"""`fordel settle` on its own path, at portfolio scale.

Inputs: generated property folders in the documented format (fordel.sim.settlement_folder:
3 unit-scale allocators and 1 hot-water meter per apartment, one tenancy each, the example
property's costs), written once under $FORDEL_BENCH_DIR (default /tmp/fordel-bench).

Rows:
- load + allocate (property.load + allocate.settle, what `fordel settle` runs before any
  output) at 10k, 100k and 1M apartments, each size in its own process so its peak RSS is
  its own: seconds, peak RSS, apartments/s. Targets (issue 12): 1M in <= 10 s, <= 2 GB.
- load + allocate at 100k apartments where every tenant moves once (a third through a
  month's vacancy without a reading on its last day): the move rules' path.
- statements/s (HTML + PDF written to disk, statement_files.render_all as `fordel settle`
  calls it) with 1 and 2 processes over 1,000 statements, and the CPU time per statement
  (wall time depends on what else runs on the shared 2 cores; the load average is printed).
  Target >= 100/s.
- the arrays against the exact per-meter reference (fordel.devtools.settle_reference: each meter's
  consumption from its readings meter by meter, bases and largest remainder in fractions,
  EED months meter by meter) on the same 10k-apartment property, as a ratio, with every
  statement's øre and every EED month compared.
A size whose process passes RSS_LIMIT_MB is stopped (the machine is shared) and reported
as such: the row says the target was not met, with how far it got.
"""
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SIZES = (10_000, 100_000, 1_000_000)
WORK = Path(os.environ.get("FORDEL_BENCH_DIR", Path(tempfile.gettempdir()) / "fordel-bench"))
TIMEOUT = 600
RSS_LIMIT_MB = 3072         # a child above this is stopped: reported, not waited for
GENERATOR_VERSION = 1        # bump when fordel.sim.settlement_folder writes different data


def row(metric, value, unit, target=""):
    print(json.dumps({"bench": "settle", "metric": metric, "value": value, "unit": unit,
                      "target": target}), flush=True)


def folder(apartments):
    """The generated property of that size (written once, reused by later runs)."""
    from fordel.sim.settlement_folder import write_property
    d = WORK / ("apartments-%d-v%d" % (apartments, GENERATOR_VERSION))
    done = d / ".complete"
    if not done.exists():
        write_property(d, apartments)
        done.write_text("ok")
    return d


MOVES = 100_000


def moves_folder(apartments=MOVES):
    """The generated property with every tenant moving once on a random day of the period
    (read that day or the next; one in three leaves a month's vacancy with no reading on
    its last day): the move rules' path (written once, reused)."""
    import datetime
    import random
    d = WORK / ("moves-%d-v%d" % (apartments, GENERATOR_VERSION))
    done = d / ".complete"
    if done.exists():
        return d
    from fordel.sim.settlement_folder import PERIOD, write_property
    write_property(d, apartments)
    start, end = PERIOD
    rng = random.Random(7)
    with open(d / "tenancies.csv", "w", encoding="utf-8") as ten, \
            open(d / "readings.csv", "w", encoding="utf-8") as rd, \
            open(d / "meters.csv", encoding="utf-8") as meters:
        ten.write("tenancy,apartment,tenant,move_in,move_out,aconto_dkk\n")
        rd.write("meter_id,date,value,kind,source,telegram_ref\n")
        next(meters)
        by_apt = {}
        for line in meters:
            mid, apt = line.split(",", 2)[:2]
            by_apt.setdefault(apt, []).append(mid)
        for apt, mids in by_apt.items():
            move = start + datetime.timedelta(days=rng.randint(20, 340))
            back = move + datetime.timedelta(days=rng.choice((1, 1, 30)))
            ten.write("%s-a,%s,Ude,2020-01-01,%s,9000\n%s-b,%s,Ind,%s,,9000\n"
                      % (apt, apt, move, apt, apt, back))
            read_on = move + datetime.timedelta(days=rng.choice((0, 1)))
            for mid in mids:
                v0 = rng.randint(0, 900)
                v1 = v0 + rng.randint(0, 400)
                rd.write("%s,%s,%d,reading,collector,\n%s,%s,%d,reading,collector,\n"
                         "%s,%s,%d,reading,collector,\n" % (
                             mid, start, v0, mid, read_on, v1, mid, end,
                             v1 + rng.randint(0, 400)))
    done.write_text("ok")
    return d


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _rss_mb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _watch_rss(t0):
    """Stop this process (exit 3, seconds so far on stderr) when it passes RSS_LIMIT_MB."""
    while True:
        time.sleep(0.2)
        if _rss_mb() > RSS_LIMIT_MB:
            sys.stderr.write("RSS %d MB after %.1f s\n" % (_rss_mb(), time.perf_counter() - t0))
            sys.stderr.flush()
            os._exit(3)


def load_allocate(path):
    """Child process: load + allocate once; print seconds and peak RSS as JSON."""
    import threading

    from fordel.settle import allocate
    from fordel.settle.property import load
    t0 = time.perf_counter()
    threading.Thread(target=_watch_rss, args=(t0,), daemon=True).start()
    result = allocate.settle(load(path))
    dt = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_SELF)
    print(json.dumps({"seconds": dt, "rss_mb": peak_rss_mb(), "cpu": usage.ru_utime +
                      usage.ru_stime, "statements": len(result.statements)}))


def bench_load_allocate():
    for n, path, what in [(n, folder(n), "") for n in SIZES] + [
            (MOVES, moves_folder(), ", every tenant moving")]:
        try:
            proc = subprocess.run([sys.executable, __file__, "load-allocate", str(path)],
                                  capture_output=True, text=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            row("load+allocate %s apartments" % f"{n:,}", "> %d" % TIMEOUT, "s", "<= 10")
            continue
        if proc.returncode == 3:
            row("load+allocate %s apartments: stopped at %d MB RSS" % (f"{n:,}", RSS_LIMIT_MB),
                proc.stderr.strip().splitlines()[-1], "", "<= 2048 MB, <= 10 s: NOT MET")
            continue
        if proc.returncode:
            print(proc.stderr[-2000:])
            row("load+allocate %s apartments" % f"{n:,}", "FAILED", "")
            continue
        got = json.loads(proc.stdout.strip().splitlines()[-1])
        assert got["statements"] == n if not what else got["statements"] >= 2 * n
        label = "load+allocate %s apartments%s" % (f"{n:,}", what)
        row(label, round(got["seconds"], 2), "s", "<= 10" if n == 1_000_000 else "")
        row(label + ": peak RSS", round(got["rss_mb"]), "MB",
            "<= 2048" if n == 1_000_000 else "")
        row(label + ": apartments/s", round(n / got["seconds"]), "/s")
        row(label + ": CPU (process, all threads)", round(got["cpu"], 2), "s")


def bench_statements(count=1000):
    from fordel.settle import allocate, render, statement_files
    from fordel.settle.property import load
    result = allocate.settle(load(folder(count)))
    names = render._unique_names([st.tenancy_id for st in result.statements])
    print("load average before: %.1f %.1f %.1f (2 cores, shared)" % os.getloadavg())
    for workers in (1, 2):
        with tempfile.TemporaryDirectory() as out:
            cpu0 = _cpu_seconds()
            t0 = time.perf_counter()
            done = list(statement_files.render_all(result, Path(out), names, workers))
            dt = time.perf_counter() - t0
            cpu = _cpu_seconds() - cpu0
        assert len(done) == len(result.statements) and not any(e for _, _, e in done)
        label = "statements (HTML+PDF) written, %d process%s" % (workers,
                                                                 "es" * (workers > 1))
        row(label, round(len(done) / dt, 1), "/s", ">= 100" if workers == 2 else "")
        row(label + ": CPU per statement", round(1000 * cpu / len(done), 1), "ms")


def _cpu_seconds():
    """CPU time of this process and its finished children (the pool's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def bench_reference():
    """The same property through the arrays (allocate.settle + the EED months) and through
    the exact per-meter reference (reference.settle_ore + reference.eed_series): time of
    each, their ratio, and every statement's øre and every EED month compared."""
    from fordel.devtools import settle_reference as reference
    from fordel.settle import allocate
    from fordel.settle.property import load
    prop = load(folder(10_000))
    t_fast = t_alloc = float("inf")
    for _ in range(3):                  # best of three: the engine warm, as in a portfolio
        t0 = time.perf_counter()
        fast = allocate.settle(prop)
        t1 = time.perf_counter()
        eed = list(fast.eed)
        t_fast = min(t_fast, time.perf_counter() - t0)
        t_alloc = min(t_alloc, t1 - t0)
    money = {st.tenancy_id: {ln.pool: ln.amount_ore for ln in st.lines}
             for st in fast.statements}
    t0 = time.perf_counter()
    slow = reference.settle_ore(prop)
    t1 = time.perf_counter()
    slow_eed = reference.eed_series(prop)
    t_slow = time.perf_counter() - t0
    row("10,000 apartments: allocate, arrays", round(t_alloc, 3), "s")
    row("10,000 apartments: allocate, exact per-meter reference", round(t1 - t0, 2), "s")
    row("speed-up arrays / reference, allocate", round((t1 - t0) / t_alloc, 1), "x")
    differ = sum(1 for tid, lines in money.items() if lines != slow[tid])
    months = sum(1 for a, b in zip(eed, slow_eed) for x, y in zip(a.months, b.months)
                 if (x.own is None) != (y.own is None)
                 or x.own is not None and abs(x.own - y.own) > 1e-9 * max(1, abs(y.own)))
    row("10,000 apartments: allocate + EED months, arrays", round(t_fast, 2), "s")
    row("10,000 apartments: allocate + EED months, exact per-meter reference",
        round(t_slow, 2), "s")
    row("speed-up arrays / reference, allocate + EED months", round(t_slow / t_fast, 1), "x")
    row("statements differing from the reference (øre)", differ, "", "0")
    row("EED months differing from the reference", months, "", "0")


def main():
    WORK.mkdir(parents=True, exist_ok=True)
    bench_load_allocate()
    bench_statements()
    bench_reference()


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "load-allocate":
        load_allocate(sys.argv[2])
    else:
        main()
