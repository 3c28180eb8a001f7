"""firmware/console.py in the micropython binary, fed commands on stdin like a serial console."""
import json
import subprocess

from fordel.paths import FIRMWARE, micropython_binary

APP = r"""
import sys, asyncio
sys.path.insert(0, %r)
from console import Console

class App:
    def status(self):
        return {"uptime_s": 12, "free_heap": 40000, "radio": {"module": "im871a", "health": "ok"}}
    def meters(self):
        return [{"id": "10000001", "ok": 5, "crc_errors": 1, "last_rssi_dbm": -70},
                {"id": "10000002", "ok": 0, "crc_errors": 0, "last_rssi_dbm": None}]
    def uncoded(self):
        return [{"id": "99999999", "manufacturer": "QDS", "count": 3}]
    async def selftest(self):
        await asyncio.sleep(0)
        return {"ping": True, "module": "iM871A"}

async def main():
    c = Console(App())
    c.telegram({"id": "10000001"})          # not printed: tail is off
    await c.run(asyncio.StreamReader(sys.stdin))
asyncio.run(main())
"""

COMMANDS = "status\nmeters\njson uncoded\ntail on\nbogus\njson on\nselftest\nstatus\n"


def run():
    proc = subprocess.run([micropython_binary(), "-X", "heapsize=96K", "-c", APP % str(FIRMWARE)],
                          input=COMMANDS, capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout.splitlines()


def test_human_and_json_answers():
    lines = run()
    text = "\n".join(lines)
    assert lines[0].split() == ["free_heap", "40000"]      # keys sorted
    assert "uptime_s                 12" in text
    assert "  module" in text and "im871a" in text
    # meters as a table: header then one row per meter, '-' for never heard
    hdr = next(i for i, l in enumerate(lines) if l.startswith("id"))
    # columns: id, then sorted: crc_errors, last_rssi_dbm, ok
    assert lines[hdr + 1].split() == ["10000001", "1", "-70", "5"]
    assert lines[hdr + 2].split() == ["10000002", "0", "-", "0"]
    js = [json.loads(l) for l in lines if l.startswith("{")]
    assert js[0] == {"type": "uncoded", "items": [{"id": "99999999", "manufacturer": "QDS",
                                                    "count": 3}]}
    assert any("unknown command 'bogus'" in l for l in lines)
    assert {"type": "selftest", "ping": True, "module": "iM871A"} in js
    assert js[-1]["type"] == "status" and js[-1]["radio"]["health"] == "ok"
    assert not any("telegram" in l for l in lines)
