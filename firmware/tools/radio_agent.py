"""Runs a radio driver on the sim board inside the micropython binary, for the pty tests.

    MICROPYPATH=firmware:shared:boards/sim FORDEL_RADIO_PORT=/dev/pts/N \
        micropython -X heapsize=96K firmware/tools/radio_agent.py C1T1 [check_ms] [degraded_ms]

Prints one JSON object a line: {"ev": "ready", ...} once started, {"ev": "frame", ...} per
telegram, and answers to commands read from stdin (one a line): ping, info, config, health,
selftest, mode <M>, pause, resume, mem, quit.
"""
import asyncio
import binascii
import gc
import json
import sys

import board
from radio import RadioError, open_radio


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")


RUN = asyncio.Event()


async def frames(radio):
    while True:
        await RUN.wait()
        f = await radio.next_frame()
        out({"ev": "frame", "hex": binascii.hexlify(f.data).decode(), "rssi": f.rssi_dbm,
             "ts": f.ts})


async def command(radio, words):
    cmd = words[0]
    if cmd == "ping":
        return {"ping": await radio.ping()}
    if cmd == "info":
        return await radio.info()
    if cmd == "config":
        return await radio.get_config()
    if cmd == "health":
        return radio.health()
    if cmd == "selftest":
        return await radio.selftest()
    if cmd == "mode":
        await radio.set_link_mode(words[1])
        return {"link_mode": radio.link_mode}
    if cmd == "pause":                  # stop taking frames (the app is busy)
        RUN.clear()
        return {"paused": True}
    if cmd == "resume":
        RUN.set()
        return {"paused": False}
    if cmd == "mem":
        gc.collect()
        return {"free": gc.mem_free(), "alloc": gc.mem_alloc()}
    return {"error": "unknown command " + cmd}


async def main():
    argv = sys.argv[1:]
    mode = argv[0] if argv else "C1T1"
    opts = {"link_mode": mode}
    if len(argv) > 1:
        opts["check_ms"] = int(argv[1])
    if len(argv) > 2:
        opts["degraded_ms"] = int(argv[2])
    radio = open_radio(board.RADIO_MODULE, board.open_radio_uart(), **opts)
    try:
        info = await radio.start()
    except RadioError as e:
        # no module yet: the driver's watchdog keeps trying; commands still work
        out({"ev": "error", "error": str(e), "health": radio.health()})
    else:
        gc.collect()
        out({"ev": "ready", "info": info, "health": radio.health(), "free": gc.mem_free()})
    RUN.set()
    asyncio.create_task(frames(radio))
    stdin = asyncio.StreamReader(sys.stdin)
    while True:
        line = await stdin.readline()
        words = line.decode().split() if line else ["quit"]
        if not words:
            continue
        if words[0] == "quit":
            await radio.stop()
            out({"ev": "bye"})
            return
        try:
            res = await command(radio, words)
        except RadioError as e:
            res = {"error": str(e)}
        out({"ev": "answer", "cmd": words[0], "res": res})


asyncio.run(main())
