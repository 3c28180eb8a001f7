"""The sim board's clock follows set_time() (the ingest server's time, as on the ESP32),
also when it runs accelerated."""
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


def test_set_time_on_accelerated_clock():
    # 100 simulated seconds a wall second: half a second later the clock is ~50 s on
    a, b, source, _ = run("1600000000:100")
    assert a == 1700000000 and 45 <= b - a <= 60 and source == "server"
