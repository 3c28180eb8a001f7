"""The whole collector app on a MicroPython build with a given heap cap: what main.main()
builds, then a simulated property's telegrams through Collector.handle_frame
(firmware/tools/bench_app_heap_mp.py). Used by the app-heap bench
(host/bench/bench_app_heap.py) and by its test (firmware/tests/test_bench_app_heap.py)."""
import json
import os
import pathlib
import subprocess

from fordel import mpybuild, paths
from fordel.sim.scenario import Scenario

DRIVER = paths.FIRMWARE / "tools" / "bench_app_heap_mp.py"
# the unfrozen builds: mount the image (read into the heap) and import the driver from it
RUNNER = ("import os, sys, vfs\n"
          "_f = open(os.getenv('FORDEL_ROMFS'), 'rb'); _R = _f.read(); _f.close()\n"
          "vfs.mount(vfs.VfsRom(_R), '/rom'); sys.path.insert(0, '/rom')\n"
          "import bench_app_heap_mp\n")


class AppHeapRun:
    """Runs the driver on one build with a given heap cap."""

    def __init__(self, prop, seconds, workdir):
        sc = Scenario(prop)
        sc.run(None, seconds)
        frames = [s.frame for s in sc.sent]
        self.prop, self.n = prop, len(frames)
        self.step_ms = int(1000 * seconds / len(frames))
        self.td = pathlib.Path(workdir)
        self.telegrams = self.td / "telegrams.bin"
        self.telegrams.write_bytes(b"".join(bytes((len(f), 70)) + bytes(f) for f in frames))
        self.rom = mpybuild.romfs_image(paths.ROOT / "build" / "bench-app.romfs",
                                        extra=[DRIVER])
        self.mpy = self.td / "driver"            # the driver alone, for the frozen build
        self.mpy.mkdir()
        subprocess.run([mpybuild.mpy_cross(), "-o", str(self.mpy / "bench_app_heap_mp.mpy"),
                        str(DRIVER)], check=True)
        self.runs = 0

    def rom_k(self):
        return (self.rom.stat().st_size + 1023) // 1024

    def __call__(self, binary, frozen, heap_k):
        """(pointer bits, heap after start, peak, stored, telegrams, base) or why it failed."""
        self.runs += 1
        flash = self.td / ("flash-%d" % self.runs)
        flash.mkdir()
        (flash / "coding.csv").write_text(self.prop.coding_csv())
        (flash / "config.json").write_text(json.dumps({
            "collector_id": "bench", "upload_url": "http://127.0.0.1:9/upload",
            "upload_key": "00" * 16}))
        args = [str(flash), str(self.telegrams), str(self.step_ms)]
        if frozen:
            cmd = ["-c", "import bench_app_heap_mp"]
            env = dict(os.environ, MICROPYPATH=os.pathsep.join([str(self.mpy), ".frozen"]))
            env.pop("FORDEL_ROMFS", None)
        else:
            cmd = ["-c", RUNNER]
            env = dict(os.environ, FORDEL_ROMFS=str(self.rom), MICROPYPATH=".frozen")
        proc = subprocess.run([str(binary), "-X", "heapsize=%dK" % heap_k] + cmd + args,
                              capture_output=True, text=True, env=env, timeout=600)
        res = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT")]
        if res:
            return tuple(int(x) for x in res[0].split()[1:])
        err = (proc.stdout + proc.stderr).strip().splitlines() or ["exit %d" % proc.returncode]
        return "failed: " + err[-1][:120]
