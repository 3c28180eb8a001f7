# boot.py of the esp32-* collectors (root filesystem; `fordel flash` writes it). Runs on
# every reset and soft reset, before main.py: mounts the records partition at /flash, so
# config.json, coding.csv and the store are there for the app and for mpremote / `fordel
# provision` at the REPL alike. The app's code comes first on the import path (the ROMFS
# app image at /rom, or code frozen in the firmware), ahead of this filesystem.
import sys

for _p in ("", "/"):
    if _p in sys.path:
        sys.path.remove(_p)
        sys.path.append(_p)

try:
    import board

    board.mount_flash()
except Exception as e:  # noqa: BLE001  a broken partition must still leave the REPL
    print("boot: no /flash: %s: %s" % (type(e).__name__, e))
