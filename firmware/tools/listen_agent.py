"""The collector's radio driver on a laptop's dongle, for `fordel listen` (the walk-by
reader): the firmware's own driver (firmware/radio) runs in the micropython binary on the
sim board's UART (the dongle's tty), and every telegram is printed as one JSON line.

    FORDEL_ROMFS=build/firmware.romfs FORDEL_RADIO_PORT=/dev/ttyUSB0 \
        FORDEL_RADIO_MODULE=im871a micropython firmware/tools/listen_agent.py C1T1

Lines: {"ev": "ready", "info": {...}} once, {"ev": "frame", "hex": ..., "rssi": ...} per
telegram, {"ev": "error", "error": ...} if the module does not answer.
"""
import asyncio
import binascii
import json
import os
import sys

if os.getenv("FORDEL_ROMFS"):          # the firmware image, as the collector runs it
    import vfs
    with open(os.getenv("FORDEL_ROMFS"), "rb") as _f:
        _ROM = _f.read()
    vfs.mount(vfs.VfsRom(_ROM), "/rom")
    sys.path.insert(0, "/rom")

import board  # noqa: E402
from radio import RadioError, open_radio  # noqa: E402


def out(obj):
    sys.stdout.write(json.dumps(obj) + "\n")


async def main(mode):
    try:
        radio = open_radio(board.RADIO_MODULE, board.open_radio_uart(), link_mode=mode)
        info = await radio.start()
    except (RadioError, OSError) as e:
        out({"ev": "error", "error": str(e)})
        return
    out({"ev": "ready", "info": info})
    while True:
        f = await radio.next_frame()
        out({"ev": "frame", "hex": binascii.hexlify(f.data).decode(), "rssi": f.rssi_dbm})


asyncio.run(main(sys.argv[1] if len(sys.argv) > 1 else "C1T1"))
