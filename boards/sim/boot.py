"""Start the collector on the sim board the way an ESP32 with a romfs partition starts it.

The firmware (firmware/ and shared/ compiled to .mpy) is one ROMFS image, FORDEL_ROMFS. On the
ESP32 that image sits in flash and its bytecode runs in place; the unix port has no flash, so
the image is read into the heap first and the sim board's heap cap is 96K plus the image's
size (host/fordel/device/simboard.py): the app's own objects get the 96K an ESP32 with
Wi-Fi up leaves. Without FORDEL_ROMFS the modules are imported from MICROPYPATH instead.

    FORDEL_ROMFS=build/firmware.romfs micropython -X heapsize=<96K+image> boards/sim/boot.py

As an ESP32's boot.py it mounts the flash (config.json, coding.csv, the store) at /flash, so
mpremote reaches those files at the REPL, then starts the app as main.py would; with
FORDEL_NO_APP set (a soft reset in the raw REPL, where a board skips main.py) it stops there.

On the sim board's 32-bit interpreter (`make mp32`, boards/sim/manifest.py) this module, the
board and the firmware are frozen in, as on an ESP32 with frozen firmware, and the heap cap
is the 96K alone: MICROPYPATH=.frozen micropython -X heapsize=96K -m boot
"""
import gc
import os
import sys

_img = os.getenv("FORDEL_ROMFS")
if _img:
    import vfs
    with open(_img, "rb") as f:
        ROM = f.read()
    vfs.mount(vfs.VfsRom(ROM), "/rom")
    sys.path.insert(0, "/rom")
    ROM_BYTES = len(ROM)
else:
    ROM_BYTES = 0
gc.collect()

import board  # noqa: E402

board.mount_flash()         # /flash: config.json, coding.csv and the store, for mpremote too

if not os.getenv("FORDEL_NO_APP"):      # set after a soft reset in the raw REPL
    import main

    main.run()
