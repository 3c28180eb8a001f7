"""The sim board's clock follows set_time() (the ingest server's time, as on the ESP32);
an accelerated simulated clock belongs to the simulation (the HIL rig and the demo play a
past year) and is not moved by the server's present time."""
import subprocess

from fordel.paths import BOARDS, micropython_binary

SCRIPT = """
import board, time
board.set_time(1700000000)
a = board.now()
time.sleep_ms(500)
b = board.now()
print(a, b, board.network_status()["clock"], board.network_status()["server_time_sets"])
"""


def run(clock=None):
    env = {"MICROPYPATH": str(BOARDS / "sim") + ":.frozen", "PATH": "/usr/bin:/bin"}
    if clock:
        env["FORDEL_SIM_CLOCK"] = clock
    p = subprocess.run([micropython_binary(), "-c", SCRIPT], capture_output=True, text=True,
                       timeout=30, env=env)
    assert p.returncode == 0, p.stderr
    a, b, source, n = p.stdout.split()
    return int(float(a)), int(float(b)), source, int(n)


def test_set_time_on_host_clock():
    a, b, source, n = run()
    assert a == 1700000000 and b - a in (0, 1) and source == "server" and n == 1


def test_set_time_leaves_the_accelerated_clock_alone():
    # 100 simulated seconds a wall second from 1600000000: half a second later the clock
    # is ~50 s on from there, not from the time set
    a, b, source, n = run("1600000000:100")
    assert 1600000000 <= a < 1600000000 + 60 and 45 <= b - a <= 60
    assert source != "server" and n == 0
