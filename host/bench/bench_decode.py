"""Decode speed through `fordel decode --input` (CPython) and on the micropython binary.

(a) standard OMS DIF/VIF telegrams, plain and AES (vectors with CI 0x7A/0x72 whose drivers
    parse records), (b) every heat cost allocator and water vector mixed; files of at least
20,000 telegrams built by repeating the vectors (compact frames after their full frames).
Targets (one core): CPython >= 20,000/s (a), >= 5,000/s (b); MicroPython >= 2,000/s (a),
<= 1 KB allocated per telegram. On MicroPython (a) runs under the collector's 96K heap with the
standard OMS drivers, (b) with every meter's own driver in a 512K heap; a telegram that
fails to decode fails the bench row.

The CPython rows time the product's own path: the `fordel decode --keys K --input F`
command (process start included), pinned to one core. With a `wmbusmeters` binary on PATH
the same telegrams go through it the way its own tests feed it a file (a simulation_*.txt
of `telegram=|HEX|` lines, every meter on the command line with its driver and key,
--ignoreduplicates=false so it decodes every repeat, JSON out), pinned to the same core,
and a row gives fordel's rate over wmbusmeters' (target >= 1.0); without the binary the
row says so.
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time

from fordel.devtools import vectors
from wmbus import Decoder, WMBusError, unhex

N = 20000


def row(metric, value, unit, target=""):
    print(json.dumps({"bench": "decode", "metric": metric, "value": value, "unit": unit,
                      "target": target}), flush=True)


def usable(cases):
    """Cases that decode, with one key per meter id (a stream has one key per meter)."""
    keep, keys, drivers = [], {}, {}
    for c in cases:
        t = unhex(c["telegram"])
        mid = "%02x%02x%02x%02x" % (t[7], t[6], t[5], t[4]) if t[0] != 0x68 else \
            c["expected"].get("id")          # the link-layer id the decoder looks up
        k = c.get("key")
        if k and keys.get(mid, k) != k:
            continue
        d = Decoder(keys={mid: bytes.fromhex(k), c["expected"]["id"]: bytes.fromhex(k)}
                    if k else {})
        try:
            for p in c.get("prior_telegrams") or ():
                d.decode(unhex(p), driver=c["driver"])
            d.decode(unhex(c["telegram"]), driver=c["driver"])
        except WMBusError:
            continue
        if k:
            keys[mid] = k
        drivers[mid] = c["driver"]
        keep.append(c)
    return keep, keys, drivers


def write_set(dirpath, name, cases, keys, drivers):
    lines = []
    for c in cases:
        lines += list(c.get("prior_telegrams") or ()) + [c["telegram"]]
    reps = (N + len(lines) - 1) // len(lines)
    hexf = dirpath / (name + ".hex")
    hexf.write_text("\n".join(lines * reps) + "\n")
    keyf = dirpath / (name + "_keys.csv")
    keyf.write_text("meter_id,key,driver\n" + "".join(
        "%s,%s,%s\n" % (m, keys.get(m, ""), drivers[m]) for m in sorted(drivers)))
    return hexf, keyf, len(lines) * reps


def one_core():
    """The command prefix that pins a process to one core (taskset), or nothing."""
    return ["taskset", "-c", "0"] if shutil.which("taskset") else []


def best_rate(cmd, n, what, out_path=os.devnull):
    """Telegrams/s of the best of 3 runs of cmd over n telegrams (output to out_path)."""
    best = 0
    for _ in range(3):
        with open(out_path, "w") as out:
            t0 = time.perf_counter()
            p = subprocess.run(cmd, stdout=out, stderr=subprocess.PIPE, text=True)
            dt = time.perf_counter() - t0
        if p.returncode:
            raise SystemExit("%s failed: %s" % (what, p.stderr[-500:]))
        best = max(best, n / dt)
    return best


def cpython_rate(hexf, keyf, n):
    return best_rate(one_core() + [sys.executable, "-m", "fordel.cli", "decode", "--keys",
                                   str(keyf), "--input", str(hexf)], n, "fordel decode")


def wmbusmeters_rate(hexf, keyf, n):
    """wmbusmeters' telegrams/s on the same telegrams and keys (module docstring), or None
    when no wmbusmeters binary is on PATH; SystemExit if it printed fewer readings."""
    exe = shutil.which("wmbusmeters")
    if exe is None:
        return None
    sim = hexf.with_name("simulation_%s.txt" % hexf.stem)
    sim.write_text("".join("telegram=|%s|\n" % h for h in hexf.read_text().split()))
    meters = []
    for line in keyf.read_text().splitlines()[1:]:
        mid, key, drv = line.split(",")
        meters += ["m" + mid, drv or "auto", mid, key or "NOKEY"]
    cmd = one_core() + [exe, "--silent", "--format=json", "--ignoreduplicates=false",
                        str(sim)] + meters
    outf = hexf.with_name("wmbusmeters_%s.json" % hexf.stem)
    rate = best_rate(cmd, n, "wmbusmeters", outf)
    got = sum(1 for line in open(outf) if line.startswith("{"))
    if got < n:
        raise SystemExit("wmbusmeters printed %d readings for %d telegrams" % (got, n))
    return rate


def micropython(hexf, keyf, app_heap_k=96, generic=False):
    from fordel import mpybuild, paths
    rom = mpybuild.romfs_image()
    env = dict(os.environ, MICROPYPATH=".frozen", FORDEL_ROMFS=str(rom))
    heap = "%dK" % (app_heap_k + (rom.stat().st_size + 1023) // 1024)   # + the image (flash)
    p = subprocess.run([paths.micropython_binary(), "-X", "heapsize=" + heap,
                        str(paths.FIRMWARE / "tools" / "bench_decode_mp.py"), str(hexf),
                        str(keyf)] + (["generic"] if generic else []),
                       capture_output=True, text=True, env=env)
    for line in p.stdout.splitlines():
        if line.startswith("RESULT"):
            rate, per, worst, free, failed = (int(x) for x in line.split()[1:])
            if failed:
                raise SystemExit("%d telegrams failed to decode on MicroPython" % failed)
            return rate, per, worst, free
    raise SystemExit("micropython bench failed: " + p.stdout[-500:] + p.stderr[-500:])


def main():
    allc = vectors.cases()
    std = [c for c in allc if c["frame"].get("ci") in ("7A", "72")
           and c["telegram"][:2] != "68"]
    with tempfile.TemporaryDirectory() as td:
        td = pathlib.Path(td)
        for label, cases in (("(a) standard OMS", std), ("(b) all HCA+water", allc)):
            keep, keys, drivers = usable(cases)
            if not keep:
                row("%s: no decodable vectors" % label, 0, "")
                continue
            hexf, keyf, n = write_set(td, label[1], keep, keys, drivers)
            aes_n = sum(1 for c in keep if c.get("key"))
            print("%s: %d distinct telegrams (%d AES), file of %d" % (label, len(keep), aes_n, n))
            tgt = ">= 20000" if label.startswith("(a)") else ">= 5000"
            ours = cpython_rate(hexf, keyf, n)
            row("CPython fordel decode %s" % label, round(ours), "/s", tgt)
            try:
                theirs = wmbusmeters_rate(hexf, keyf, n)
            except SystemExit as e:
                row("wmbusmeters %s" % label, "failed: %s" % str(e)[-120:], "")
                theirs = None
            if theirs is None and shutil.which("wmbusmeters") is None:
                row("ratio fordel/wmbusmeters %s" % label, "wmbusmeters not on PATH: no ratio",
                    "")
            elif theirs:
                row("wmbusmeters %s" % label, round(theirs), "/s", "")
                row("ratio fordel/wmbusmeters %s" % label, round(ours / theirs, 2), "x",
                    ">= 1.0")
            # (a) under the collector's 96K with the standard OMS drivers (a collector holds
            # its few brands' drivers; (a)'s 39 brands' drivers do not fit 96K at once);
            # (b) with every meter's own driver, all at once, in a 512K heap
            a = label.startswith("(a)")
            heap_k = 96 if a else 512
            what = "%dK %s%s" % (heap_k, label, " (oms-hca/oms-water drivers)" if a else
                                 " (own drivers)")
            try:
                rate, per, worst, free = micropython(hexf, keyf, heap_k, generic=a)
            except SystemExit as e:
                row("MicroPython " + what, "failed: %s" % str(e)[-120:], "")
                continue
            tgt = ">= 2000" if a else ""
            row("MicroPython " + what, rate, "/s", tgt)
            row("MicroPython bytes alloc/telegram %s" % label, per, "B",
                "<= 1024" if label.startswith("(a)") else "")
            row("MicroPython worst alloc %s" % label, worst, "B", "")


if __name__ == "__main__":
    main()
