"""A collector rig for HIL tests and the demo: simulated property -> simulated (or real)
radio module -> firmware on the sim board -> upload -> ingest database.

    with CollectorRig(workdir, prop, module="im871a") as rig:
        rig.scenario.run(rig.radio, sim_seconds=86400, speed=2000)
        rig.wait_uploaded()
        rig.db.records()
"""
import datetime
import json
import secrets
import time

from fordel.device.simboard import SimBoard
from fordel.ingest.server import serve_in_thread
from fordel.sim.scenario import Scenario

COLLECTOR = "hil-1"


def radio_simulator(module):
    if module == "amb8465":
        from fordel.sim.amb8465 import Amb8465Simulator
        return Amb8465Simulator()
    from fordel.sim.im871a import Im871aSimulator
    return Im871aSimulator()


class CollectorRig:
    def __init__(self, workdir, prop, module="im871a", faults=None, speed=None, heap=None,
                 store_every_h=6, upload_every_s=1, port=None, batch=10, flash_mb=1):
        self.workdir = workdir
        workdir.mkdir(parents=True, exist_ok=True)
        self.prop = prop
        self.key = secrets.token_bytes(16)
        self.srv = serve_in_thread(str(workdir / "readings.sqlite"), {COLLECTOR: self.key})
        self.db = self.srv.db
        self.radio = None if port else radio_simulator(module)
        radio_port = port or self.radio.start()
        start = int(prop.start.replace(tzinfo=datetime.timezone.utc).timestamp())
        self.speed = speed
        self.board = SimBoard(workdir / "board", module=module, flash_size=flash_mb << 20,
                              clock=(start, speed) if speed else None,
                              **({"heap": heap} if heap else {}))
        self.board.put_files({
            "coding.csv": prop.coding_csv(),
            "config.json": json.dumps({
                "collector_id": COLLECTOR, "link_mode": "C1T1",
                "upload_url": "http://127.0.0.1:%d/upload" % self.srv.server_address[1],
                "upload_key": self.key.hex(), "upload_every_s": upload_every_s,
                "store_every_h": store_every_h, "batch": batch})})
        self.board.start(radio_port)
        self.scenario = Scenario(prop, faults)
        self.console = None

    def wait_ready(self, timeout=30):
        """Until the firmware's console answers and its radio module is up."""
        self.console = self.board.console(timeout=15)

        def ready():
            try:
                st = self.console.query("status")
            except Exception:
                return None
            return st if st.get("radio", {}).get("state") == "ok" else None
        return self.board.wait_for(ready, timeout, "the collector's radio module")

    def status(self):
        return self.console.query("status")

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
        def done():
            st = self.status()
            store = st.get("store", {})
            return st if store.get("pending", 1) == 0 else None
        return self.board.wait_for(done, timeout, "uploads to finish")

    def close(self):
        self.board.stop()
        if self.radio is not None:
            self.radio.close()
        self.srv.shutdown()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
