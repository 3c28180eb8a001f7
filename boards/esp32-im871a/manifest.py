# Firmware image for board esp32-im871a: MicroPython's ESP32 defaults (asyncio and friends), the
# collector app frozen (bytecode, qstrs and constants in flash, not in the 96 KiB heap),
# and this board's pins. Build: make -C ports/esp32 BOARD=ESP32_GENERIC
#   FROZEN_MANIFEST=<repo>/boards/esp32-im871a/manifest.py
include("$(PORT_DIR)/boards/manifest.py")
include("../../firmware/manifest.py")
module("esp32board.py", base_path="../esp32-common", opt=3)
module("board.py", opt=3)
