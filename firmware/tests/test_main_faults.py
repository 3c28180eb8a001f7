"""firmware/main.py when things go wrong: a coding file with a bad row leaves the collector
running and says why on its console (sim board, real binary, simulated radio module); an
error that escapes the app restarts the board instead of leaving it at the REPL."""
import json
import subprocess

from fordel.device.simboard import SimBoard
from fordel.paths import BOARDS, FIRMWARE, ROOT, micropython_binary
from fordel.sim.im871a import Im871aSimulator

KEY = "0123456789abcdef0123456789abcdef"


def test_bad_coding_row_keeps_the_collector_running(tmp_path):
    coding = ("meter_id,key,apartment,room,kind,scale,kq,kc,reduction,multiplier,driver\n"
              "12345678,%s,1.tv,stue,hca,unit,1.2,1.0,,,\n"
              "12345679,%s,1.tv,bad,hca,unit,1.2,1.0,1.5,,\n" % (KEY, KEY))
    sim = Im871aSimulator()
    port = sim.start()
    board = SimBoard(tmp_path / "board")
    try:
        board.put_files({"coding.csv": coding, "config.json": json.dumps({"collector_id": "t"})})
        board.start(port)
        con = board.console(timeout=15)
        st = board.wait_for(lambda: con.query("status"), 30, "the console")
        assert st["coded_meters"] == 0
        assert "coding.csv row 3" in st["coding_error"] and "reduction" in st["coding_error"]
        assert board.alive()
    finally:
        board.stop()
        sim.close()


RESTART = r"""
import sys
sys.path[:0] = [%(fw)r, %(shared)r]
class Board:
    NAME = "stub"
    @staticmethod
    def restart():
        print("BOARD RESTART")
sys.modules["board"] = Board
import main
async def broken():
    raise RuntimeError("something unforeseen")
main.main = broken
main.run()
print("AFTER RUN")
"""


def test_an_error_that_escapes_the_app_restarts_the_board():
    code = RESTART % {"fw": str(FIRMWARE), "shared": str(ROOT / "shared")}
    proc = subprocess.run([micropython_binary(), "-X", "heapsize=512K", "-c", code],
                          capture_output=True, text=True, timeout=60,
                          env={"MICROPYPATH": ".frozen", "PATH": "/usr/bin:/bin"})
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "collector stopped: RuntimeError: something unforeseen; restarting the board" in out
    assert out.index("restarting the board") < out.index("BOARD RESTART") < out.index("AFTER RUN")


def test_sim_board_restart_ends_the_process_with_its_status():
    proc = subprocess.run([micropython_binary(), "-c", "import board\nboard.restart()"],
                          capture_output=True, text=True, timeout=30,
                          env={"MICROPYPATH": str(BOARDS / "sim") + ":.frozen",
                               "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 3, proc.stdout + proc.stderr
