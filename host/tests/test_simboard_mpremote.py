"""`fordel sim board` as a technician's tools see it: unmodified mpremote (exec, fs ls, cp)
reaches the firmware's REPL through the port it prints, a soft reset starts the app again
as a board does, and `fordel provision` and `fordel diag` work on the same port."""
import json
import os
import subprocess
import sys
import time

import pytest

from fordel.device.diag import ConsoleLink, DiagError
from fordel.sim.property import SimProperty

BIN = os.path.dirname(sys.executable)


def run(tool, *args, timeout=120):
    p = subprocess.run([os.path.join(BIN, tool), *args], capture_output=True, text=True,
                       timeout=timeout, env=dict(os.environ, COLUMNS="200"))
    assert p.returncode == 0, p.stdout + p.stderr
    return p.stdout


@pytest.fixture
def port(tmp_path):
    proc = subprocess.Popen([os.path.join(BIN, "fordel"), "sim", "board", "--speed", "60",
                             "--workdir", str(tmp_path / "board")],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port = proc.stdout.readline().strip()
    assert port.startswith("/dev/"), port
    yield port
    proc.terminate()
    proc.wait(30)


def status(port, timeout=30):
    end = time.monotonic() + timeout
    while True:
        link = ConsoleLink(port, timeout=5)
        try:
            return link.query("status")
        except DiagError:
            if time.monotonic() > end:
                raise
        finally:
            link.close()


def test_mpremote_provision_and_diag_on_fordel_sim_board(port, tmp_path):
    assert status(port)["collector_id"] == "unnamed"           # a blank board
    assert run("mpremote", "connect", port, "exec", "print(6*7)").strip() == "42"
    # fs cp into the board's flash and back: the same bytes
    src = tmp_path / "note.txt"
    src.write_bytes(b"meter 12345678 in the attic\n" * 50)
    run("mpremote", "connect", port, "fs", "cp", str(src), ":/flash/note.txt")
    assert "note.txt" in run("mpremote", "connect", port, "fs", "ls", ":/flash")
    back = tmp_path / "back.txt"
    run("mpremote", "connect", port, "fs", "cp", ":/flash/note.txt", str(back))
    assert back.read_bytes() == src.read_bytes()
    # mpremote leaves the board at the REPL with the app stopped, as on an ESP32: diag says
    # so; a soft reset (Ctrl-D at the friendly REPL) runs the app again
    p = subprocess.run([os.path.join(BIN, "fordel"), "diag", "--port", port, "status"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode != 0 and "at the MicroPython REPL" in p.stderr, p.stderr
    with open(port, "r+b", buffering=0) as f:
        f.write(b"\r\x04")
    assert status(port)["collector_id"] == "unnamed"
    # provision the meters `fordel sim board` puts on air by default, then diag shows them
    prop = SimProperty()
    (tmp_path / "coding.csv").write_text(prop.coding_csv())
    (tmp_path / "c.toml").write_text('collector_id = "sim-7"\n')
    out = run("fordel", "provision", "--port", port, str(tmp_path / "c.toml"),
              str(tmp_path / "coding.csv"))
    assert "sim-7 is collecting: %d meters coded" % len(prop.rows) in out
    end = time.monotonic() + 60
    while True:
        meters = run("fordel", "diag", "--port", port, "--json", "meters")
        heard = [m for m in json.loads(meters)["items"] if m["ok"] > 0]
        if heard or time.monotonic() > end:
            break
        time.sleep(2)
    assert heard, meters
    text = run("fordel", "diag", "--port", port, "meters")
    assert heard[0]["id"] in text and heard[0]["apartment"] in text
