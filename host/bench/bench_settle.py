"""Settlement engine core at scale: 1,000,000 synthetic apartments (bases for 7 pools:
fordelingstal, pipe loss, allocator units × KQ × KC, taps, hot-water m³, cold-water m³,
fees), each pool split to the øre by largest remainder (fordel.settle.allocate
.allocate_matrix). Targets: <= 10 s, <= 2 GB peak RSS. Also the speed-up over a plain
per-apartment Python loop doing the same on 10,000 apartments."""
import json
import math
import resource
import time

import numpy as np

from fordel.settle.allocate import allocate_matrix


def row(metric, value, unit, target=""):
    print(json.dumps({"bench": "settle", "metric": metric, "value": value, "unit": unit,
                      "target": target}), flush=True)


def synthetic(n, seed=1):
    rng = np.random.default_rng(seed)
    area = rng.integers(40, 140, n).astype(np.float64)
    reduction = np.where(rng.random(n) < 0.1, 0.1, 0.0)
    ftal = area * (1 - reduction)
    units = rng.gamma(4.0, 300.0, n)
    kq = rng.uniform(0.5, 2.0, n)
    kc = rng.uniform(0.9, 1.1, n)
    heat = units * kq * kc * (1 - reduction)
    taps = 2 + (area // 40)
    hot = rng.gamma(3.0, 6.0, n)
    cold = rng.gamma(3.0, 12.0, n)
    fee = np.ones(n)
    bases = np.vstack([ftal, ftal, heat, taps, hot, cold, fee])
    amounts = np.array([24000, 6300, 57000, 3150, 3150, 21000, 54], dtype=np.int64) * n * 100 // 10
    return amounts, bases


def python_loop(amounts, bases):
    """The same allocation, one apartment at a time in plain Python."""
    k, n = len(amounts), len(bases[0])
    out = []
    for p in range(k):
        b = [float(x) for x in bases[p]]
        total = sum(b)
        exact = [amounts[p] * x / total for x in b]
        floors = [math.floor(e) for e in exact]
        rest = int(amounts[p]) - sum(floors)
        order = sorted(range(n), key=lambda i: exact[i] - floors[i], reverse=True)
        for i in order[:rest]:
            floors[i] += 1
        out.append(floors)
    return out


def main():
    n = 1_000_000
    amounts, bases = synthetic(n)
    t0 = time.perf_counter()
    out = allocate_matrix(amounts, bases)
    dt = time.perf_counter() - t0
    assert (out.sum(axis=1) == amounts).all()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    row("1,000,000 apartments, 7 pools", round(dt, 2), "s", "<= 10")
    row("peak RSS", round(peak), "MB", "<= 2048")
    a10, b10 = synthetic(10_000, seed=2)
    t0 = time.perf_counter()
    fast = allocate_matrix(a10, b10)
    t_np = time.perf_counter() - t0
    t0 = time.perf_counter()
    slow = python_loop(a10, b10)
    t_py = time.perf_counter() - t0
    same = all((fast[p].sum() == sum(slow[p])) for p in range(len(a10)))
    diff = int(sum(abs(int(x) - y) for p in range(len(a10)) for x, y in zip(fast[p], slow[p])))
    row("10,000 apartments: numpy", round(t_np * 1000, 1), "ms")
    row("10,000 apartments: Python loop", round(t_py * 1000, 1), "ms")
    row("speed-up numpy / Python loop", round(t_py / t_np, 1), "x")
    row("øre differing numpy vs loop (tie order)", diff, "øre", "totals equal: %s" % same)


if __name__ == "__main__":
    main()
