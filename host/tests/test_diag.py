"""`fordel diag` against the real firmware console running in the micropython binary on a pty."""
import os
import subprocess
import tty

import pytest

from fordel.device.diag import ConsoleLink, DiagError, FdStream
from fordel.paths import FIRMWARE, micropython_binary

APP = r"""
import sys, asyncio
sys.path.insert(0, %r)
from console import Console
from meterstats import MeterStats, OK

stats = MeterStats(4)
stats.count(0, OK); stats.heard(0, -67, 1700000000)

class App:
    def status(self):
        return {"uptime_s": 1, "radio": "sim"}
    def meters(self):
        m = stats.meter(0); m["id"] = "10000001"; m["last_reading"] = 42.0
        return [m]
    def uncoded(self):
        return []
    async def selftest(self):
        return {"ping": True}

async def main():
    c = Console(App())
    async def feed():
        while True:
            await asyncio.sleep(0.05)
            c.telegram({"id": "10000001", "rssi_dbm": -67})
    asyncio.create_task(feed())
    await c.run(asyncio.StreamReader(sys.stdin))
asyncio.run(main())
"""


@pytest.fixture
def console():
    master, slave = os.openpty()
    tty.setraw(slave)
    proc = subprocess.Popen([micropython_binary(), "-X", "heapsize=96K", "-c",
                             APP % str(FIRMWARE)],
                            stdin=slave, stdout=slave, stderr=subprocess.PIPE)
    os.close(slave)
    link = ConsoleLink("sim-pty", stream=FdStream(master), timeout=5)
    yield link
    proc.kill()
    proc.wait()
    os.close(master)


def test_query_status_meters_and_tail(console):
    assert console.query("status") == {"type": "status", "uptime_s": 1, "radio": "sim"}
    meters = console.query("meters")["items"]
    assert meters[0]["id"] == "10000001" and meters[0]["ok"] == 1
    assert meters[0]["last_rssi_dbm"] == -67 and meters[0]["last_reading"] == 42.0
    assert console.query("selftest")["ping"] is True
    events = []
    for ev in console.tail(seconds=1.0):
        events.append(ev)
        if len(events) == 3:
            break
    assert len(events) == 3 and events[0]["rssi_dbm"] == -67


def test_silent_port_gives_a_clear_error():
    master, slave = os.openpty()
    try:
        link = ConsoleLink("/dev/pts/x", stream=FdStream(master), timeout=0.5)
        with pytest.raises(DiagError, match="no answer to 'status'.*within"):
            link.query("status")
    finally:
        os.close(master)
        os.close(slave)


def test_missing_port_is_named():
    with pytest.raises(DiagError, match="cannot open console port /dev/does-not-exist"):
        ConsoleLink("/dev/does-not-exist")
