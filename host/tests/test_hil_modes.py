"""The HIL suite pointed at hardware-like ports runs its tests instead of skipping them:
`--board-port` at `fordel sim board`'s console pty (a collector the suite did not start),
and `--port` at `fordel sim radio`'s pty (a radio module the suite does not simulate)."""
import os
import re
import subprocess
import sys

import pytest

from fordel.paths import ROOT

BIN = os.path.dirname(sys.executable)


def start(args, cwd):
    p = subprocess.Popen([os.path.join(BIN, "fordel"), *args], stdout=subprocess.PIPE,
                         stderr=subprocess.DEVNULL, text=True, cwd=cwd)
    port = p.stdout.readline().strip()
    assert port.startswith("/dev/"), port
    return p, port


def hil(*args):
    p = subprocess.run([os.path.join(BIN, "pytest"), str(ROOT / "hil-tests"), "-q", "-rs",
                        "-p", "no:cacheprovider", *args], capture_output=True, text=True,
                       timeout=900, cwd=str(ROOT))
    counts = {k: int(n) for n, k in re.findall(r"(\d+) (passed|skipped|failed|error)",
                                                   p.stdout)}
    return p, counts


@pytest.mark.parametrize("tool,option", [
    (["sim", "board", "--speed", "60"], "--board-port"),
    (["sim", "radio", "--speed", "60", "--quiet"], "--port"),
])
def test_suite_runs_against_ports(tmp_path, tool, option):
    if tool[1] == "board":
        tool = tool + ["--workdir", str(tmp_path / "board")]
    proc, port = start(tool, tmp_path)
    try:
        p, counts = hil(option, port, "-k", "in_service")
    finally:
        proc.terminate()
        proc.wait(30)
    assert p.returncode == 0, p.stdout[-3000:] + p.stderr[-2000:]
    # provision, readings + diag and upload run (the sim board also takes a power cut);
    # only what needs the simulator or a reflash permission is skipped, with its reason
    assert counts.get("passed", 0) >= (3 if option == "--board-port" else 4), p.stdout
    assert counts.get("failed", 0) == 0
