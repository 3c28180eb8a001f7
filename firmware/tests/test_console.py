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
    hdr = next(i for i, ln in enumerate(lines) if ln.startswith("id"))
    # columns: id, then sorted: crc_errors, last_rssi_dbm, ok
    assert lines[hdr + 1].split() == ["10000001", "1", "-70", "5"]
    assert lines[hdr + 2].split() == ["10000002", "0", "-", "0"]
    js = [json.loads(ln) for ln in lines if ln.startswith("{")]
    assert js[0] == {"type": "uncoded", "items": [{"id": "99999999", "manufacturer": "QDS",
                                                    "count": 3}]}
    assert any("unknown command 'bogus'" in ln for ln in lines)
    assert {"type": "selftest", "ping": True, "module": "iM871A"} in js
    assert js[-1]["type"] == "status" and js[-1]["radio"]["health"] == "ok"
    assert not any("telegram" in ln for ln in lines)


BIG = r"""
import sys, asyncio
sys.path.insert(0, %r)
from console import Console

class App:
    made = 0
    def meters(self):             # like Collector.meters: one dict at a time
        for i in range(500):
            App.made += 1
            yield {"id": "%%08x" %% (0x10000000 + i), "ok": i, "crc_errors": 0,
                   "last_rssi_dbm": -70, "last_reading": i * 1.5}

async def main():
    c = Console(App())
    await c.run(asyncio.StreamReader(sys.stdin))
    print("MADE", App.made)
asyncio.run(main())
"""


def test_500_meters_streamed_under_a_small_heap():
    # the console compiled from source and 500 meters' rows in a 64K heap: as one list of
    # dicts the rows alone need ~100 kB; written as they are made, they fit
    proc = subprocess.run([micropython_binary(), "-X", "heapsize=64K", "-c", BIG % str(FIRMWARE)],
                          input="meters\njson meters\n", capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr + proc.stdout[-500:]
    lines = proc.stdout.splitlines()
    rows = [ln.split() for ln in lines if ln.startswith("1")]
    assert len(rows) == 500 and rows[499][0] == "100001f3"
    assert sum(1 for ln in lines if ln.startswith("id ")) == 13         # 40 rows a block
    js = json.loads(next(ln for ln in lines if ln.startswith("{")))
    assert js["type"] == "meters" and len(js["items"]) == 500
    assert js["items"][123] == {"id": "1000007b", "ok": 123, "crc_errors": 0,
                                "last_rssi_dbm": -70, "last_reading": 184.5}
    assert lines[-1] == "MADE 1000"


FRAGMENTED = r"""
import sys, asyncio, gc
sys.path.insert(0, %r)
from console import Console

# shaped like a collector's status (a few sections of a dozen facts): ~2.4 kB as JSON
STATUS = {"s%%d" %% i: {"k%%02d" %% j: "v" * 12 for j in range(12)} for i in range(8)}

class App:
    def status(self):
        return STATUS
    def meters(self):
        raise MemoryError("memory allocation failed, allocating 1234 bytes")

def fragment():
    # the heap of a collector that has run long: what is free lies in holes of ~1 kB
    gc.collect()
    blocks = []
    try:
        while True:
            blocks.append(bytearray(1000))
    except MemoryError:
        pass
    for i in range(0, len(blocks), 2):
        blocks[i] = None
    gc.collect()
    return blocks

async def main():
    c = Console(App())
    reader = asyncio.StreamReader(sys.stdin)
    kept = fragment()
    await c.run(reader)
asyncio.run(main())
"""


def test_json_answers_in_a_fragmented_heap_and_errors_in_json():
    """A `json status` must be answered when the heap has no block as large as the answer
    (it is written as json.dump makes it), and a JSON command that fails is answered with
    a JSON error line: a host tool (fordel diag, the HIL rig) reads the reason instead of
    waiting for a JSON line that never comes."""
    proc = subprocess.run([micropython_binary(), "-X", "heapsize=64K", "-c",
                           FRAGMENTED % str(FIRMWARE)],
                          input="json status\njson meters\n", capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stderr + proc.stdout[-500:]
    js = [json.loads(ln) for ln in proc.stdout.splitlines() if ln.startswith("{")]
    assert js[0]["type"] == "status" and len(js[0]) == 9
    assert js[0]["s7"] == {"k%02d" % j: "v" * 12 for j in range(12)}
    assert js[1] == {"type": "error",
                     "error": "MemoryError: memory allocation failed, allocating 1234 bytes"}
