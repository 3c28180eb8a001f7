"""docs/technician.md, section 0, followed on the sim board: every `fordel` command of the
step-by-step is run as written, with the collector's port (/dev/ttyUSB0) replaced by
`fordel sim board`'s console pty and the walk-by dongle (/dev/ttyUSB1) by a simulated
module hearing the same meters. Flashing builds the images (a sim board has no ESP32 ROM
bootloader to write them through)."""
import os
import secrets
import shlex
import subprocess
import sys
import threading

from fordel.device.rig import radio_simulator
from fordel.device.simboard import SimBoard
from fordel.ingest.server import serve_in_thread
from fordel.paths import ROOT
from fordel.sim.property import SimProperty
from fordel.sim.scenario import Scenario

BIN = os.path.dirname(sys.executable)


def guide_commands():
    text = (ROOT / "docs" / "technician.md").read_text(encoding="utf-8")
    section = text.split("## 0.", 1)[1].split("\n## ", 1)[0]
    return [ln.strip() for ln in section.splitlines() if ln.startswith("    fordel ")]


def adapt(cmd, board_port, dongle, tmp):
    cmd = cmd.replace("/dev/ttyUSB0", board_port).replace("/dev/ttyUSB1", dongle)
    args = shlex.split(cmd)
    if args[1] == "flash":
        keep, skip = [], False
        for a in args:
            if skip:
                skip = False
            elif a in ("--port", "--firmware"):
                skip = True
            else:
                keep.append(a)
        args = keep + ["--out", str(tmp / "images")]
    if args[1] == "listen":
        args[args.index("--seconds") + 1] = "6"
    return [os.path.join(BIN, "fordel")] + args[1:]


def test_technician_guide_on_the_sim_board(tmp_path):
    cmds = guide_commands()
    assert [c.split()[1] for c in cmds] == ["provision", "flash", "listen", "provision",
                                            "diag", "diag", "diag"]
    prop = SimProperty(apartments=2, hca_per_apartment=2, seed=17, uncoded=1)
    key = secrets.token_bytes(16)
    srv = serve_in_thread(str(tmp_path / "readings.sqlite"), {"hus-7": key})
    (tmp_path / "coding.csv").write_text(prop.coding_csv())
    (tmp_path / "collector.toml").write_text(
        'collector_id = "hus-7"\nupload_url = "http://127.0.0.1:%d/upload"\n'
        'upload_key = "%s"\nupload_every_s = 2\n' % (srv.server_address[1], key.hex()))
    radio, dongle = radio_simulator("im871a"), radio_simulator("im871a")
    board = SimBoard(tmp_path / "board")
    board.start(radio.start())
    dongle_port = dongle.start()
    stop = threading.Event()

    def on_air():           # both modules hear the property's meters
        sc = Scenario(prop)
        while not stop.is_set():
            for s in sc.run(None, 60):
                if s.delivered:
                    for sim in (radio, dongle):
                        sim.deliver(s.frame, s.rssi_dbm)
            stop.wait(0.2)              # a simulated minute each 0.2 s
    feeder = threading.Thread(target=on_air, daemon=True)
    outputs = {}
    try:
        feeder.start()
        for cmd in cmds:
            args = adapt(cmd, board.port, dongle_port, tmp_path)
            p = subprocess.run(args, capture_output=True, text=True, timeout=300,
                               cwd=str(tmp_path), env=dict(os.environ, COLUMNS="200"))
            assert p.returncode == 0, (cmd, p.stdout + p.stderr)
            outputs.setdefault(args[1], []).append(p.stdout)
    finally:
        stop.set()
        feeder.join(10)
        board.stop()
        radio.close()
        dongle.close()
        srv.shutdown()
    assert "hus-7 is collecting: %d meters coded" % len(prop.rows) in outputs["provision"][1]
    status, meters, uncoded = outputs["diag"]
    assert "hus-7" in status
    assert all(mid in meters for mid in prop.rows)
    assert prop.uncoded_ids[0] in uncoded
    assert (tmp_path / "walk.txt").read_text().startswith("telegram=|")
