"""Runs every shared/tests/test_*.py module again inside the real `micropython` binary."""
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


@pytest.mark.parametrize("module", MODULES)
def test_module_on_micropython(module):
    env = dict(os.environ, MICROPYPATH=os.pathsep.join([str(SHARED), str(HERE), ".frozen"]))
    proc = subprocess.run(
        [micropython_binary(), "-X", "heapsize=4M", str(HERE / "mprun.py"), module],
        capture_output=True, text=True, env=env, timeout=600,
    )
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    assert "PASS" in out, out  # at least one test ran
