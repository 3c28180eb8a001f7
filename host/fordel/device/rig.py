"""A collector rig for the HIL suite and the demo: simulated property -> simulated (or real)
radio module -> firmware on the sim board -> upload -> ingest database.

    with CollectorRig(workdir, prop, module="im871a", speed=2000) as rig:
        rig.play(86400)                 # a simulated day on air, paced by rig.clock
        rig.wait_uploaded()
        rig.db.records()

With a speed, one simulated clock (fordel.sim.clock.SimClock, `rig.clock`) paces the meters
(rig.play) and is the sim board's clock and the ingest server's, so the collector's time of
a record and the meter's own clock agree. rtc: faults of the board's clock
(boards/sim/board.py FORDEL_SIM_RTC, e.g. "unset,drift=0.0003"); the server's answers then
set it, as they set an ESP32's.
"""
import json
import secrets
import subprocess
import time

from fordel.device.diag import DiagError
from fordel.device.simboard import SimBoard, SimBoardError
from fordel.ingest.server import serve_in_thread
from fordel.sim.clock import SimClock
from fordel.sim.scenario import Scenario

COLLECTOR = "hil-1"

_DAMAGE = r"""
import sys
sys.path[:0] = %(paths)r
import board, store
root = board.mount_flash()
s = store.Store(root + "/store")
frames = s._frames(s.segments[-1])[0]
off = frames[min(2, len(frames) - 1)][1]
path = s._path(s.segments[-1])
with open(path, "r+b") as f:
    f.seek(off + 1)
    b = f.read(1)
    f.seek(off + 1)
    f.write(bytes([b[0] ^ 0xFF]))
print("DAMAGED", path, off, len(frames))
"""


def radio_simulator(module):
    if module == "amb8465":
        from fordel.sim.amb8465 import Amb8465Simulator
        return Amb8465Simulator()
    from fordel.sim.im871a import Im871aSimulator
    return Im871aSimulator()


class CollectorRig:
    def __init__(self, workdir, prop, module="im871a", faults=None, speed=None, heap=None,
                 store_every_h=6, upload_every_s=1, port=None, batch=10, flash_mb=1,
                 with_tools=None, rtc=""):
        """with_tools: a function that prints progress; the collector is then put into
        service as a technician does, `fordel flash`'s image build and `fordel provision`
        on a blank board, instead of writing its files into the flash image directly."""
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.prop = prop
        self.key = secrets.token_bytes(16)
        self.speed = speed
        self.clock = SimClock(prop.start, speed) if speed else None
        self.clock_unset = "unset" in rtc.split(",")
        if self.clock_unset:
            # the board takes its time from the server's answer, held until wait_ready: the
            # simulation starts then, the set-up (flash, provision, boot) costs none of it
            self.clock.pause(hold_server=True)
        # the server answers simulated time where the board's clock may be set from it
        self.srv = serve_in_thread(str(workdir / "readings.sqlite"), {COLLECTOR: self.key},
                                   **({"clock": self.clock.server_now} if self.clock
                                      else {}))
        self.db = self.srv.db
        self.radio = None if port else radio_simulator(module)
        radio_port = port or self.radio.start()
        self.board = SimBoard(workdir / "board", module=module, flash_size=flash_mb << 20,
                              clock=self.clock, **({"heap": heap} if heap else {}))
        if self.clock:
            self.board.rtc = ",".join(filter(None, ("settable", rtc)))
        self.cfg = None
        cfg = {"collector_id": COLLECTOR, "link_mode": "C1T1",
               "upload_url": "http://127.0.0.1:%d/upload" % self.srv.server_address[1],
               "upload_key": self.key.hex(), "upload_every_s": upload_every_s,
               "store_every_h": store_every_h, "batch": batch}
        self.cfg = cfg
        if with_tools:
            self._flash_and_provision(cfg, radio_port, with_tools)
        else:
            self.board.put_files({"coding.csv": prop.coding_csv(),
                                  "config.json": json.dumps(cfg)})
            self.board.start(radio_port)
        self.scenario = Scenario(prop, faults)
        self.console = None

    def _flash_and_provision(self, cfg, radio_port, echo):
        from . import flash, provision
        images = self.workdir / "images"
        images.mkdir(exist_ok=True)
        for off, data, what in flash.images("esp32-im871a"):
            (images / ("0x%06x.bin" % off)).write_bytes(data)
            echo("fordel flash: %s, %d bytes at 0x%06x" % (what, len(data), off))
        self.board.start(radio_port)
        toml = self.workdir / "collector.toml"
        toml.write_text("".join("%s = %s\n" % (k, json.dumps(v)) for k, v in cfg.items()))
        coding = self.workdir / "coding.csv"
        coding.write_text(self.prop.coding_csv())
        provision.provision(self.board.port, toml, coding, echo=lambda m: echo(
            "fordel provision: " + m))

    def power_off(self, drain=False):
        """A power cut: the firmware killed (with drain: once it has handled what the
        module sent, while the clock runs on); the simulated time then stands still until
        power_on_again has the board ready again (the rig's own work in between would be
        days of it)."""
        if drain:
            self.wait_drained()
        if self.clock:
            self.clock.pause(hold_server=self.clock_unset)
        self.board.stop(hard=True)

    def damage_store_frame(self):
        """A flash fault while the board is off: one byte flipped in the third frame (or the
        last) of the newest store segment. Returns the board's words on it."""
        from fordel.paths import BOARDS, FIRMWARE, SHARED
        p = subprocess.run([self.board.interpreter.path, "-X", "heapsize=4M", "-c",
                            _DAMAGE % {"paths": [str(BOARDS / "sim"), str(FIRMWARE),
                                                 str(SHARED)]}],
                           capture_output=True, text=True, env=self.board.env(), timeout=60)
        if "DAMAGED" not in p.stdout:
            raise SimBoardError("damaging a store frame failed: %s" % (p.stdout + p.stderr))
        return p.stdout.strip()

    def power_on_again(self, files=None):
        """After a stop (a power cut, a technician's visit): `files` ({name: text}) written
        into the flash, the firmware started again; its clock starts unset again where the
        board's rtc says so. Returns the first status."""
        if files:
            self.board.put_files(files)
        if self.clock and not self.clock_unset:
            self.clock.resume()         # its clock runs from its start
        self.board.start(self.radio.path if self.radio else self.board.radio_port)
        return self.wait_ready(60)

    def spare_unit(self, workdir):
        """The collector is swapped for a spare unit: a blank flash given the old config and
        coding (its store numbers from 0 again under a new store_id). Returns its first
        status."""
        old = self.board
        self.power_off()
        self.board = SimBoard(workdir, module=old.module, flash_size=old.flash_size,
                              clock=old.clock, heap=old.heap, interpreter=old.interpreter)
        self.board.rtc = old.rtc
        return self.power_on_again({"coding.csv": self.prop.coding_csv(),
                                    "config.json": json.dumps(self.cfg)})

    def play(self, sim_seconds):
        """The meters on air for `sim_seconds` more of the simulated clock (the time that
        passed on it since the last play is missed: nobody delivered those telegrams)."""
        return self.scenario.run(self.radio, sim_seconds=sim_seconds, speed=self.speed,
                                 clock=self.clock)

    def play_to(self, sim_seconds):
        """play() until simulated second `sim_seconds` after the property's start."""
        left = sim_seconds - max(self.scenario.clock, self.clock.seconds())
        return self.play(left) if left > 0 else []

    def wait_ready(self, timeout=30):
        """Until the firmware's console answers and its radio module is up."""
        self.console = self.board.console(timeout=15)

        def ready():
            try:
                st = self.console.query("status")
            except Exception:
                return None
            return st if st.get("radio", {}).get("state") == "ok" else None
        st = self.board.wait_for(ready, timeout, "the collector's radio module")
        if self.clock:
            self.clock.resume()         # the server's answer sets the board's clock now
        return st

    def status(self, patience_s=180):
        """The collector's status. A collector busy with a backlog of telegrams or an upload
        on a loaded machine may leave one query unanswered for its 15 s: asked again until
        `patience_s` have passed."""
        end = time.monotonic() + patience_s
        while True:
            try:
                return self.console.query("status")
            except DiagError:
                if time.monotonic() > end or not self.board.alive():
                    raise

    def wait_drained(self, poll_s=0.5):
        """Until the collector has handled what the module sent: its frame count stays the
        same for three polls in a row. Returns that status."""
        last, still = -1, 0
        while still < 3:
            time.sleep(poll_s)
            st = self.status()
            still = still + 1 if st["frames"] == last else 0
            last = st["frames"]
        return st

    def wait_uploaded(self, timeout=60):
        """Until everything the store holds has been acknowledged by ingest."""
        last = {}

        def done():
            st = last["status"] = self.status()
            store = st.get("store", {})
            return st if store.get("pending", 1) == 0 else None
        try:
            return self.board.wait_for(done, timeout, "uploads to finish")
        except SimBoardError as e:
            st = last.get("status", {})
            raise SimBoardError("%s; status %s" % (e, st)) from None

    def close(self):
        self.board.stop()
        if self.radio is not None:
            self.radio.close()
        self.srv.shutdown()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
