"""Runs a script in the micropython binary as the collector runs: the sim board, firmware/ and
shared/ on its path, the board's flash (a littlefs image file) mounted at `root`, and the
store, meterrecord and board modules imported. The store tests share it.

A script's inputs come in as `ARGS` (a dict written into the script with repr), so its
source is plain Python (no % escapes); a script reports by printing, and `last_json` reads
the last line it printed."""
import json
import os
import subprocess

from fordel.paths import BOARDS, FIRMWARE, SHARED, micropython_binary

PRELUDE = """\
import sys, json
sys.path[:0] = %r
import board, store, meterrecord
ARGS = %r
root = board.mount_flash()
"""


def flash_env(image, flash_size=None):
    """The environment that gives the sim board the flash image file `image` (made on first
    use; `flash_size` bytes, else the board's default)."""
    env = dict(os.environ, FORDEL_FLASH_IMAGE=str(image))
    if flash_size is not None:
        env["FORDEL_FLASH_SIZE"] = str(flash_size)
    return env


def flash_command(body, heap="96K", args=None):
    """The micropython command line that runs PRELUDE then `body` (96K: the ESP32's heap)."""
    paths = [str(BOARDS / "sim"), str(FIRMWARE), str(SHARED)]
    return [micropython_binary(), "-X", "heapsize=" + heap, "-c",
            PRELUDE % (paths, args or {}) + body]


def run_on_flash(body, image, flash_size=None, heap="96K", args=None, timeout=60):
    """Run the script to its end; its stdout. A failing script fails the test with its
    output."""
    p = subprocess.run(flash_command(body, heap, args), capture_output=True, text=True,
                       env=flash_env(image, flash_size), timeout=timeout)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
    return p.stdout


def last_json(stdout):
    return json.loads(stdout.strip().splitlines()[-1])

