"""The sim board in the micropython binary: its radio UART is a pty that never blocks the
asyncio loop, its LED prints, and it refuses to start without a port."""
import os
import pty
import subprocess
import time
import tty

from fordel.paths import BOARDS, micropython_binary

SCRIPT = r"""
import asyncio, time, board
uart = board.open_radio_uart()
ticks = 0
async def ticker():
    global ticks
    while True:
        await asyncio.sleep_ms(10)
        ticks += 1
async def main():
    asyncio.create_task(ticker())
    buf = bytearray(64)
    print("nothing yet", uart.readinto(buf), uart.read(5))
    r = asyncio.StreamReader(uart)
    w = asyncio.StreamWriter(uart, {})
    w.write(b"ready\n")
    await w.drain()
    t0 = ticks
    n = await r.readinto(buf)                 # the host waits 300 ms before writing
    print("got", bytes(buf[:n]), "ticks while waiting", ticks - t0 >= 10)
    board.led(1); board.led(1); board.led(0)
asyncio.run(main())
"""


def run_mp(script, env):
    return subprocess.Popen([micropython_binary(), "-X", "heapsize=96K", "-c", script],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)


def test_pty_uart_does_not_block_the_loop():
    master, slave = pty.openpty()
    tty.setraw(master)
    env = dict(os.environ, MICROPYPATH=os.pathsep.join([str(BOARDS / "sim"), ".frozen"]),
               FORDEL_RADIO_PORT=os.ttyname(slave), FORDEL_LED="1")
    proc = run_mp(SCRIPT, env)
    try:
        got = b""
        end = time.monotonic() + 5
        while not got.endswith(b"ready\n") and time.monotonic() < end:
            got += os.read(master, 100)
        assert got == b"ready\n"
        time.sleep(0.3)
        os.write(master, b"\xa5\x01\x02\x00 partial")
        out, _ = proc.communicate(timeout=5)
    finally:
        proc.kill()
        os.close(master)
        os.close(slave)
    assert proc.returncode == 0, out
    lines = out.splitlines()
    assert lines[0] == "nothing yet 0 b''"
    assert lines[1] == "got b'\\xa5\\x01\\x02\\x00 partial' ticks while waiting True"
    assert lines[2:] == ["LED on", "LED off"]


def test_no_radio_port_is_a_clear_error():
    env = dict(os.environ, MICROPYPATH=os.pathsep.join([str(BOARDS / "sim"), ".frozen"]))
    env.pop("FORDEL_RADIO_PORT", None)
    proc = run_mp("import board\nboard.open_radio_uart()", env)
    out, _ = proc.communicate(timeout=5)
    assert proc.returncode == 1
    assert "sim board: no radio port; set FORDEL_RADIO_PORT" in out


def test_set_time_moves_the_host_clock_but_not_a_simulated_one():
    """The uplink sets the board clock from the server's time (board.set_time)."""
    script = ("import board, time\nt = board.now()\nok = board.set_time(t + 86400)\n"
              "print('set', ok, round(board.now() - t))\n")
    env = dict(os.environ, MICROPYPATH=os.pathsep.join([str(BOARDS / "sim"), ".frozen"]))
    env.pop("FORDEL_SIM_CLOCK", None)
    out = run_mp(script, env).communicate(timeout=30)[0]
    said = out.split()
    assert said[:2] == ["set", "True"] and abs(int(said[2]) - 86400) <= 1, out
    env["FORDEL_SIM_CLOCK"] = "1700000000:1"
    out = run_mp(script, env).communicate(timeout=30)[0]
    assert "set False 0" in out
