# Interpreter for board `sim`: MicroPython's unix port (standard variant: asyncio, ssl, ...)
# with the collector frozen through the same manifest the ESP32 boards include, so its code
# and qstrs sit in the binary's ROM data as they sit in an ESP32's flash, and the heap holds
# only the app's objects. Built 32-bit by boards/sim/build_micropython.py (`make mp32`); run
# as `micropython -X heapsize=96K -m boot` with MICROPYPATH=.frozen.
include("$(PORT_DIR)/variants/standard/manifest.py")
include("../../firmware/manifest.py")
module("board.py", opt=3)
module("blockdev.py", opt=3)
module("boot.py", opt=3)
