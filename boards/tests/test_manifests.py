"""The freeze manifests (micropython-lib style) name every module the collector needs, and
only files that exist: evaluated here with the manifest functions MicroPython's
tools/manifestfile.py provides (metadata, include, package, module), recording paths."""
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[2]
SKIP_DIRS = {"tests", "tools", "__pycache__"}


def frozen_files(manifest):
    """Files (absolute paths) a manifest freezes; $(PORT_DIR) includes are not followed."""
    out = set()

    def run(path):
        path = pathlib.Path(path).resolve()
        assert path.is_file(), "manifest %s missing" % path
        here = path.parent

        def include(p, **kw):
            if p.startswith("$("):
                return
            run(here / p)

        def package(name, base_path=".", opt=None, files=None):
            root = (here / base_path / name).resolve()
            assert (root / "__init__.py").is_file(), "package %s missing" % root
            for f in root.rglob("*.py"):
                if not SKIP_DIRS & set(f.relative_to(root).parts) and f.name != "mkindex.py" \
                        and f.name != "manifest.py":
                    out.add(f)

        def module(name, base_path=".", opt=None):
            f = (here / base_path / name).resolve()
            assert f.is_file(), "module %s missing (manifest %s)" % (f, path)
            out.add(f)

        def metadata(**kw):
            assert "version" in kw

        exec(compile(path.read_text(), str(path), "exec"),
             {"include": include, "package": package, "module": module,
              "metadata": metadata})

    run(manifest)
    return out


def firmware_sources():
    files = set()
    for f in (ROOT / "firmware").rglob("*.py"):
        rel = f.relative_to(ROOT / "firmware")
        if not SKIP_DIRS & set(rel.parts) and f.name != "manifest.py":
            files.add(f.resolve())
    for pkg in ("wmbus", "meterrecord"):
        for f in (ROOT / "shared" / pkg).rglob("*.py"):
            rel = f.relative_to(ROOT / "shared" / pkg)
            if not SKIP_DIRS & set(rel.parts) and f.name not in ("manifest.py", "mkindex.py"):
                files.add(f.resolve())
    return files


def test_board_manifests_freeze_the_whole_collector():
    need = firmware_sources()
    assert len(need) > 60
    for board in ("esp32-im871a", "esp32-amb8465"):
        got = frozen_files(ROOT / "boards" / board / "manifest.py")
        missing = sorted(str(p.relative_to(ROOT)) for p in need - got)
        assert not missing, (board, missing)
        assert (ROOT / "boards" / board / "board.py").resolve() in got
        assert (ROOT / "boards" / "esp32-common" / "esp32board.py").resolve() in got
        # nothing host-only or sim-only is frozen
        assert not [p for p in got if "tests" in p.parts or p.parent.name == "sim"]
