"""Which `micropython` the sim board runs, and with how much heap.

1. The 32-bit interpreter with the collector frozen (`make mp32`: build/mp32/frozen/micropython
   in this repository, or the binary FORDEL_SIM_MICROPYTHON names): pointers and GC blocks
   the size an ESP32's are, the code and qstrs in the binary as they are in an ESP32's flash,
   so the sim board gets the ESP32's 96K.
2. Otherwise (no MicroPython source to build it from, FORDEL_SIM_MICROPYTHON=pypi): the
   64-bit PyPI binary with the firmware from the ROMFS image, which needs twice the heap for
   the same objects (docs/firmware.md, Memory).
"""
import hashlib
import json
import os
import pathlib
from dataclasses import dataclass

from .. import paths

ESP32_HEAP = "96K"   # what an ESP32 with Wi-Fi up leaves the app
PYPI_HEAP = "192K"   # the app's objects on the 64-bit binary (the ROM image comes on top)
# only in a source checkout (`make mp32`); an installed wheel runs the PyPI binary
FROZEN_BUILD = paths.ROOT / "build" / "mp32" / "frozen" / "micropython" if paths.ROOT else None


class StaleInterpreter(RuntimeError):
    pass


@dataclass(frozen=True)
class Interpreter:
    path: str
    frozen: bool        # collector frozen in (run `-m boot`); else from the ROMFS image
    heap: str           # the app's heap on it
    label: str          # says which interpreter, for `fordel demo` and test output


def sim_interpreter():
    """The interpreter the sim board runs on (see the module docstring)."""
    given = os.environ.get("FORDEL_SIM_MICROPYTHON", "")
    if given != "pypi":
        frozen = pathlib.Path(given) if given else FROZEN_BUILD
        if frozen is not None and frozen.exists():
            check_current(frozen)
            return Interpreter(str(frozen), True, ESP32_HEAP,
                               "32-bit micropython, collector frozen (%s)" % _short(frozen))
        if given:
            raise FileNotFoundError("FORDEL_SIM_MICROPYTHON=%s: no such file" % given)
    why = "FORDEL_SIM_MICROPYTHON=pypi" if given else \
        "no 32-bit frozen build: `make mp32` needs MicroPython's source"
    return Interpreter(paths.micropython_binary(), False, PYPI_HEAP,
                       "64-bit micropython from PyPI, collector from the ROMFS image (%s)" % why)


def check_current(binary):
    """Refuse a frozen interpreter whose frozen sources changed since it was built (its
    stamp.json, written by boards/sim/build_micropython.py): it would run the old firmware."""
    stamp = pathlib.Path(binary).with_name("stamp.json")
    try:
        inputs = json.loads(stamp.read_text())["inputs"]
    except (OSError, ValueError, KeyError):
        return                      # built elsewhere, without a stamp: taken as it is
    if paths.ROOT is None:
        return
    for rel, digest in inputs.items():
        p = paths.ROOT / rel
        if not p.exists() or hashlib.sha256(p.read_bytes()).hexdigest() != digest:
            raise StaleInterpreter("%s froze %s as it was before it changed: run `make mp32`"
                                   % (_short(binary), rel))


def _short(p):
    p = pathlib.Path(p)
    return str(p.relative_to(paths.ROOT)) if paths.ROOT and paths.ROOT in p.parents else str(p)
