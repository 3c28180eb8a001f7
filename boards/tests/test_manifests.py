"""The freeze manifests, run through MicroPython's own tools/manifestfile.py (from the source
archive beside the repository, as an ESP32 or unix-port build runs it): both ESP32 boards and
the sim board's interpreter freeze every module the collector needs, and nothing host-only,
test-only or of another board."""
import importlib.util
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
SKIP_DIRS = {"tests", "tools", "__pycache__"}
HOST_ONLY = {"mkindex.py", "_cpython.py", "_aes_cpython.py", "manifest.py"}


def _builder():
    spec = importlib.util.spec_from_file_location(
        "build_micropython", ROOT / "boards" / "sim" / "build_micropython.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def mp_src():
    b = _builder()
    archive = b.source_archive()
    if archive is None or not archive.exists():
        pytest.skip("no MicroPython source archive beside the repository "
                    "(../shared/micropython): the manifests cannot be run through "
                    "MicroPython's tools/manifestfile.py here")
    return b.extract(archive)


def manifest_tool(src, port, manifest):
    """(exit status, stderr, frozen files) of tools/manifestfile.py --freeze."""
    p = subprocess.run([sys.executable, str(src / "tools" / "manifestfile.py"), "--freeze",
                        "--port", str(src / "ports" / port), str(manifest)],
                       capture_output=True, text=True, timeout=60)
    files = {pathlib.Path(f) for f in re.findall(r"full_path='([^']*)'", p.stdout)}
    return p.returncode, p.stderr, files


def collector_sources():
    """Every module the collector runs: firmware/ and the shared packages, without tests,
    host tools, CPython-only helpers and the manifests themselves."""
    files = set()
    for base in (ROOT / "firmware", ROOT / "shared" / "wmbus", ROOT / "shared" / "meterrecord"):
        for f in base.rglob("*.py"):
            if not SKIP_DIRS & set(f.relative_to(base).parts) and f.name not in HOST_ONLY:
                files.add(f.resolve())
    return files


def _in_repo(files):
    return {f for f in files if ROOT in f.parents and "build" not in f.relative_to(ROOT).parts}


@pytest.mark.parametrize("board", ["esp32-im871a", "esp32-amb8465"])
def test_esp32_board_manifest_freezes_the_collector(mp_src, board):
    rc, err, files = manifest_tool(mp_src, "esp32", ROOT / "boards" / board / "manifest.py")
    assert rc == 0, err
    need = collector_sources()
    assert len(need) > 60
    ours = _in_repo(files)
    assert not sorted(str(p) for p in need - ours), "not frozen"
    extra = ours - need
    assert extra == {(ROOT / "boards" / board / "board.py").resolve(),
                     (ROOT / "boards" / "esp32-common" / "esp32board.py").resolve()}
    # MicroPython's ESP32 defaults come along (asyncio, the port's modules)
    assert any(f.parts[-2:] == ("asyncio", "core.py") for f in files)


def test_sim_manifest_freezes_the_collector_and_the_sim_board(mp_src):
    rc, err, files = manifest_tool(mp_src, "unix", ROOT / "boards" / "sim" / "manifest.py")
    assert rc == 0, err
    ours = _in_repo(files)
    sim = {(ROOT / "boards" / "sim" / n).resolve() for n in ("board.py", "blockdev.py",
                                                             "boot.py")}
    assert ours == collector_sources() | sim


def test_the_tool_rejects_a_second_metadata_in_one_package(mp_src, tmp_path):
    """The check above can fail: including (not requiring) a shared package's manifest from a
    manifest with its own metadata() is the error the ESP32 build used to stop on."""
    m = tmp_path / "manifest.py"
    m.write_text('metadata(version="1")\ninclude("%s")\n'
                 % (ROOT / "shared" / "meterrecord" / "manifest.py"))
    rc, err, _ = manifest_tool(mp_src, "unix", m)
    assert rc != 0 and "Duplicate call to metadata()" in err
