"""Collector firmware on the sim board with 500 coded meters: peak heap, bytes allocated per
telegram in steady state, telegrams/s through radio driver -> decode -> coding -> store.

The telegrams are one hour of the simulated property's traffic, and the collector's clock
runs at the property's pace, so the reading policy decodes and stores what it would in the
field; the steady-state figures are over the second half hour.

The firmware runs from its ROMFS image (the ESP32 keeps it in flash); the heap figures are
the app's own objects (image excluded), to compare with the 96K an ESP32 with Wi-Fi up
leaves. Targets: peak <= 96K, <= 512 B/telegram.
"""
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import threading
import time

from fordel import mpybuild, paths
from fordel.sim.im871a import Im871aSimulator
from fordel.sim.property import SimProperty
from fordel.sim.scenario import Scenario

# mounts the image (the unix port has no flash to map it from: it is read into the heap,
# and the heap cap is 96K + the image) and imports the bench driver from it
RUNNER = ("import os, sys, vfs\n"
          "_f = open(os.getenv('FORDEL_ROMFS'), 'rb'); _R = _f.read(); _f.close()\n"
          "vfs.mount(vfs.VfsRom(_R), '/rom'); sys.path.insert(0, '/rom')\n"
          "import bench_collector_mp\n")
HOURS = 1       # one hour of the property's radio traffic: ~10,000 telegrams


def row(metric, value, unit, target=""):
    print(json.dumps({"bench": "collector", "metric": metric, "value": value, "unit": unit,
                      "target": target}), flush=True)


def main():
    prop = SimProperty(apartments=100, hca_per_apartment=3, seed=9)      # 500 meters
    sc = Scenario(prop)
    sc.run(None, HOURS * 3600)
    frames = [s.frame for s in sc.sent]
    step_ms = int(1000 * HOURS * 3600 / len(frames))
    # the bench driver goes into the image too, so it runs from ROM as main.py does
    rom = mpybuild.romfs_image(paths.ROOT / "build" / "bench-collector.romfs",
                               extra=[paths.FIRMWARE / "tools" / "bench_collector_mp.py"])
    with tempfile.TemporaryDirectory() as td:
        td = pathlib.Path(td)
        (td / "coding.csv").write_text(prop.coding_csv())
        sim = Im871aSimulator()
        port = sim.start()
        results = {}
        # (label, heap, clock step): the property's pace; and every telegram 2 min after
        # the last (each meter's next one 16 h later: all decoded and stored, the worst case)
        runs = (("app heap 96K", "96K", step_ms), ("app heap 256K", "256K", step_ms),
                ("worst case, all decoded+stored, 256K", "256K", 120000))
        for label, heap, step in runs:
            img = td / ("flash-%s-%d.img" % (heap, step))
            cap = "%dK" % (int(heap[:-1]) + (rom.stat().st_size + 1023) // 1024)
            env = dict(os.environ, MICROPYPATH=os.pathsep.join([str(paths.BOARDS / "sim"),
                                                                ".frozen"]),
                       FORDEL_ROMFS=str(rom), FORDEL_RADIO_PORT=port,
                       FORDEL_FLASH_IMAGE=str(img))
            p = subprocess.Popen([paths.micropython_binary(), "-X", "heapsize=" + cap,
                                  "-c", RUNNER,
                                  str(td / "coding.csv"), str(len(frames)), str(step)],
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env,
                                 text=True)
            line = p.stdout.readline()
            if not line.startswith("READY"):
                out = line + p.stdout.read()
                results[label] = "failed: " + out.strip().splitlines()[-1][:160]
                p.wait()
                continue
            for f in frames:
                sim.deliver(f, rssi_dbm=-70)
            out = p.stdout.read()
            p.wait()
            res = [ln for ln in out.splitlines() if ln.startswith("RESULT")]
            results[label] = res[0].split()[1:] if res else "failed: " + out[-200:]
        sim.close()
    for label, r in results.items():
        if isinstance(r, str):
            row("%s: 500 meters" % label, r, "")
            continue
        rate, per, peak, start, stored, rom_b, per_dec, per_st, share = (int(x) for x in r)
        row("%s: telegrams/s driver->store" % label, rate, "/s")
        row("%s: bytes alloc/telegram (steady state)" % label, per, "B", "<= 512")
        row("%s:   of that: per decoded, not stored" % label, per_dec, "B")
        row("%s:   of that: per stored" % label, per_st, "B")
        row("%s:   telegrams decoded (due) / stored" % label, "%.1f%% / %d of %d"
            % (share / 10, stored, len(frames)), "")
        row("%s: peak live heap (app)" % label, peak, "B", "<= 98304")
        row("%s: heap after start" % label, start, "B")
    row("ROM image (flash on ESP32)", rom.stat().st_size, "B")
    app_heap()


WASM_PACKAGE = "@micropython/micropython-webassembly-pyscript@1.29.0-6"   # same core, 32-bit


def wasm_port():
    """micropython.mjs of MicroPython's webassembly port (installed from npm into build/),
    or (None, why not)."""
    import shutil
    where = paths.ROOT / "build" / "wasm32"
    mjs = where / "node_modules" / "@micropython" / "micropython-webassembly-pyscript" / \
        "micropython.mjs"
    if not mjs.exists():
        if not (shutil.which("node") and shutil.which("npm")):
            return None, "node and npm are not installed"
        proc = subprocess.run(["npm", "install", "--silent", "--no-save", "--prefix", str(where),
                               WASM_PACKAGE], capture_output=True, text=True)
        if proc.returncode or not mjs.exists():
            return None, "npm install %s failed: %s" % (WASM_PACKAGE, proc.stderr.strip()[-200:])
    return mjs, ""


def app_heap():
    """The whole app (main.py's objects: coding, codec, store, policy, collector, radio driver,
    uplink, console) with 500 coded meters and an hour of their telegrams, on the 64-bit unix
    port and on the 32-bit webassembly port, side by side. The telegrams are unencrypted
    (mode 0): the webassembly port has no cryptolib."""
    prop = SimProperty(apartments=100, hca_per_apartment=3, seed=9, mode=0)
    for label, r in app_heap_runs(prop, HOURS * 3600).items():
        if isinstance(r, str):
            row("whole app, 500 meters, " + label, r, "")
            continue
        bits, start, peak, stored, n = r
        row("whole app, 500 meters, %s: heap after start" % label, start, "B")
        row("whole app, 500 meters, %s: peak live heap, %d telegrams, %d stored"
            % (label, n, stored), peak, "B", "<= 98304")


def app_heap_runs(prop, seconds, wasm=True):
    """{build: (pointer bits, heap after start, peak, stored, telegrams) or why it failed}"""
    sc = Scenario(prop)
    sc.run(None, seconds)
    frames = [s.frame for s in sc.sent]
    step_ms = int(1000 * seconds / len(frames))
    driver = paths.FIRMWARE / "tools" / "bench_app_heap_mp.py"
    rom = mpybuild.romfs_image(paths.ROOT / "build" / "bench-app.romfs", extra=[driver])
    cap = "%dK" % (256 + (rom.stat().st_size + 1023) // 1024)
    out = {}
    with tempfile.TemporaryDirectory() as td:
        td = pathlib.Path(td)
        tel = td / "telegrams.bin"
        tel.write_bytes(b"".join(bytes((len(f), 70)) + bytes(f) for f in frames))

        def args(name):         # a fresh flash directory for each run
            flash = td / name
            flash.mkdir()
            (flash / "coding.csv").write_text(prop.coding_csv())
            (flash / "config.json").write_text(json.dumps({
                "collector_id": "bench", "upload_url": "http://127.0.0.1:9/upload",
                "upload_key": "00" * 16}))
            return [str(flash), str(tel), str(step_ms)]

        runs = [("unix port (64-bit)",
                 [paths.micropython_binary(), "-X", "heapsize=" + cap, "-c",
                  RUNNER.replace("bench_collector_mp", "bench_app_heap_mp")] + args("unix"),
                 dict(os.environ, FORDEL_ROMFS=str(rom), MICROPYPATH=".frozen"))]
        if wasm:
            mjs, why = wasm_port()
            if mjs:
                runs.append(("webassembly port (32-bit)",
                             ["node", str(pathlib.Path(__file__).parent / "wasm" / "app_heap.mjs"),
                              str(mjs), str(rom)] + args("wasm"), None))
            else:
                out["webassembly port (32-bit)"] = "not measured: " + why
        for label, cmd, env in runs:
            proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=600)
            res = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT")]
            if res:
                out[label] = tuple(int(x) for x in res[0].split()[1:])
            else:
                out[label] = "failed: " + (proc.stdout + proc.stderr).strip()[-200:]
    return out


if __name__ == "__main__":
    main()
