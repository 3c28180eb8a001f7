"""`fordel sim board` as a technician's tools see it: unmodified mpremote (exec, fs ls, cp)
reaches the firmware's REPL through the console pty, a soft reset starts the app again as a
board does, and the diagnostics console answers between the two."""
import json
import os
import subprocess
import sys
import time

import pytest

from fordel.device.simboard import SimBoard
from fordel.sim.im871a import Im871aSimulator

MPREMOTE = os.path.join(os.path.dirname(sys.executable), "mpremote")


def mpremote(port, *args):
    p = subprocess.run([MPREMOTE, "connect", port, *args], capture_output=True, text=True,
                       timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    return p.stdout


@pytest.fixture
def board(tmp_path):
    sim = Im871aSimulator()
    b = SimBoard(tmp_path / "board")
    b.put_files({"config.json": json.dumps({"collector_id": "mpr-1"})})
    b.start(sim.start())
    yield b
    b.stop()
    sim.close()


def status(b):
    con = b.console(timeout=10)
    try:
        return b.wait_for(lambda: con.query("status"), 30, "the collector's console")
    finally:
        con.close()


def test_mpremote_exec_ls_cp_and_soft_reset(board, tmp_path):
    assert status(board)["collector_id"] == "mpr-1"
    assert mpremote(board.port, "exec", "print(6*7)").strip() == "42"
    # fs cp into the board's flash and back: the same bytes
    src = tmp_path / "note.txt"
    src.write_bytes(b"meter 12345678 in the attic\n" * 50)
    mpremote(board.port, "fs", "cp", str(src), ":/flash/note.txt")
    listing = mpremote(board.port, "fs", "ls", ":/flash")
    assert "note.txt" in listing and "config.json" in listing
    back = tmp_path / "back.txt"
    mpremote(board.port, "fs", "cp", ":/flash/note.txt", str(back))
    assert back.read_bytes() == src.read_bytes()
    # each mpremote run soft-resets the board into the raw REPL: the firmware restarted
    assert board.restarts >= 4
    # mpremote leaves the board at the REPL, as on an ESP32; a soft reset (Ctrl-D at the
    # friendly REPL) runs the app again, which answers on its console
    with open(board.port, "r+b", buffering=0) as port:
        port.write(b"\r\x04")
    t0 = board.restarts
    board.wait_for(lambda: board.restarts > t0, 10, "the soft reset")
    time.sleep(0.5)
    assert status(board)["collector_id"] == "mpr-1"
