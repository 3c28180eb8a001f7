"""main.radio_loop on the micropython binary: a telegram whose handling runs out of heap is
dropped and counted, and the loop goes on with the next one."""
import subprocess

from fordel.paths import BOARDS, FIRMWARE, ROOT, micropython_binary

SCRIPT = r"""
import sys, asyncio
sys.path[:0] = [%(fw)r, %(shared)r, %(board)r]
import main

class Radio:
    def __init__(self):
        self.n = 0
    async def start(self):
        return {}
    async def next_frame(self):
        self.n += 1
        if self.n > 3:
            await asyncio.sleep(3600)
        class F:
            data = bytes((self.n,))
            rssi_dbm = -70
        return F

class Coll:
    memory_errors = 0
    handled = []
    def handle_frame(self, data, rssi):
        if data[0] == 2:
            raise MemoryError("memory allocation failed, allocating 4096 bytes")
        self.handled.append(data[0])

async def go():
    coll = Coll()
    t = asyncio.create_task(main.radio_loop(Radio(), coll, main.App({}, coll, None, None, None)))
    await asyncio.sleep_ms(50)
    t.cancel()
    print("HANDLED", coll.handled, "MEMORY_ERRORS", coll.memory_errors)
asyncio.run(go())
"""


def test_memory_error_drops_one_telegram_and_the_loop_goes_on():
    code = SCRIPT % {"fw": str(FIRMWARE), "shared": str(ROOT / "shared"),
                     "board": str(BOARDS / "sim")}
    proc = subprocess.run([micropython_binary(), "-X", "heapsize=512K", "-c", code],
                          capture_output=True, text=True, timeout=60,
                          env={"MICROPYPATH": ".frozen", "PATH": "/usr/bin:/bin"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "HANDLED [1, 3] MEMORY_ERRORS 1" in proc.stdout, proc.stdout + proc.stderr
