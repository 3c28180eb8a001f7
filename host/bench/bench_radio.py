"""Radio drivers in the micropython binary (96K heap): how fast the iM871A / AMB8465 parsers
turn UART bytes into queued telegrams, how much they allocate per telegram, and how much
heap a started driver leaves. Prints JSON lines for host/bench/run.py."""
import json
import os
import subprocess
import sys
import time

from fordel.paths import BOARDS, FIRMWARE, SHARED, micropython_binary

SCRIPT = r"""
import gc, io, time, json
from binascii import unhexlify
from radio.im871a import Im871a
from radio.amb8465 import Amb8465
IM = unhexlify("A5E2031944304CF79EF520D401A241380013C69D93263470714EF2C39B6A0E114031EC79")
AMB = unhexlify("FF034F44A5115317635370077AFF004005C35CFCB76794E8AA0CAC200E4D05FCDB1413DADF"
    "D007D7E5448BC98395DDAE04ADC676E120D9EA369CB47633694E270E55110B9BC26D14DA6F626D4CD101D1856142")
N = 200
def run(name, drv, frame):
    # the receive loop's path: each UART chunk lands in the parse buffer through one
    # memoryview of its free part, then the frames are taken out as the app would
    data = frame * 8
    mv = memoryview(data)
    chunks = [mv[i:i + 64] for i in range(0, len(data), 64)]
    gc.collect()
    gc.disable()
    a0 = gc.mem_alloc()
    t0 = time.ticks_us()
    for _ in range(N // 8):
        for c in chunks:
            if len(drv._buf) - drv._b < 64:
                drv._compact()
            dst = drv._mv[drv._b:]
            dst[:len(c)] = c
            drv._b += len(c)
            drv._parsed()
        while drv.pending():
            drv._tail = (drv._tail + 1) % drv._slots
            drv._count -= 1
            f = drv._rmv[0:drv._ring[0] + 1]      # next_frame's view of the frame
    us = time.ticks_diff(time.ticks_us(), t0)
    alloc = gc.mem_alloc() - a0
    gc.enable()
    assert drv.stats["telegrams"] == N and drv.stats["crc_errors"] == 0, drv.stats
    print(json.dumps({"name": name, "us": us, "alloc": alloc, "bytes": len(frame) * N}))
run("im871a", Im871a(io.BytesIO(), slots=16), IM)
run("amb8465", Amb8465(io.BytesIO(), slots=16), AMB)
"""

LINE_RATE = {"im871a": 57600 / 10, "amb8465": 9600 / 10}


def row(metric, value, unit, target):
    print(json.dumps({"bench": "radio", "metric": metric, "value": value, "unit": unit,
                      "target": target}))


def parse_bench():
    env = dict(os.environ, MICROPYPATH=os.pathsep.join([str(FIRMWARE), ".frozen"]))
    proc = subprocess.run([micropython_binary(), "-X", "heapsize=96K", "-c", SCRIPT], env=env,
                          capture_output=True, text=True)
    if proc.returncode:
        sys.exit(proc.stdout + proc.stderr)
    out = proc.stdout
    for line in out.splitlines():
        r = json.loads(line)
        n = 200
        per_s = n / (r["us"] / 1e6)
        bps = r["bytes"] / (r["us"] / 1e6)
        row("%s telegrams/s parsed (unix port)" % r["name"], round(per_s, 1), "/s", "")
        row("%s parse speed / UART line rate" % r["name"], round(bps / LINE_RATE[r["name"]], 1),
            "x", ">= 10 (ESP32 ~10-20x slower)")
        row("%s heap allocated per telegram" % r["name"], round(r["alloc"] / n, 1), "B",
            "<= 256")


def heap_bench():
    from fordel.sim.amb8465 import Amb8465Simulator
    from fordel.sim.im871a import Im871aSimulator
    for name, cls in (("im871a", Im871aSimulator), ("amb8465", Amb8465Simulator)):
        with cls() as sim:
            env = dict(os.environ, FORDEL_RADIO_PORT=sim.path, FORDEL_RADIO_MODULE=name,
                       MICROPYPATH=os.pathsep.join([str(FIRMWARE), str(SHARED),
                                                    str(BOARDS / "sim"), ".frozen"]))
            t0 = time.monotonic()
            proc = subprocess.Popen([micropython_binary(), "-X", "heapsize=96K",
                                     str(FIRMWARE / "tools" / "radio_agent.py"), "C1T1"],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                    env=env)
            ready = json.loads(proc.stdout.readline())
            start_ms = (time.monotonic() - t0) * 1000
            proc.stdin.write("quit\n")
            proc.stdin.flush()
            proc.wait(5)
            row("%s free heap after start (96K heap, source imports)" % name, ready["free"], "B",
                ">= 40000")
            row("%s start: probe + set link mode (sim)" % name, round(start_ms, 1), "ms", "")


if __name__ == "__main__":
    parse_bench()
    heap_bench()
