"""Tests import the product, never the reverse (issue 16): no module of the product (host/fordel,
firmware, shared, boards) imports a test, hil-test or benchmark module; no `fordel` module
outside fordel/devtools imports the helpers tests and benches share there; tests and
benchmarks do not import each other (what they share is in fordel/devtools). Every import
is read from the source with ast, also those inside functions."""
import ast

import pytest

from fordel.paths import ROOT

pytestmark = pytest.mark.skipif(ROOT is None, reason="needs the source checkout")

PRODUCT_DIRS = ("host/fordel", "firmware", "shared", "boards")


def _is_test_side(path):
    rel = path.relative_to(ROOT).parts
    return "tests" in rel or rel[0] == "hil-tests" or rel[:2] == ("host", "bench")


def _product_files():
    for d in PRODUCT_DIRS:
        for p in (ROOT / d).rglob("*.py"):
            if not _is_test_side(p):
                yield p


def _test_side_modules(product_stems):
    found = set()
    for d in ("host", "firmware", "shared", "boards", "hil-tests"):
        for p in (ROOT / d).rglob("*.py"):
            if _is_test_side(p) and p.stem not in product_stems:
                found.add(p.stem)
    return found


def _imports(path):
    """(module, level) of each import; `from . import x` gives ("x", 1)."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.extend((a.name, 0) for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.module:
                out.append((node.module, node.level))
            out.extend((a.name, node.level) for a in node.names if not node.module)
    return out


def test_product_imports_no_test_or_bench_module():
    files = list(_product_files())
    assert len(files) > 100                                  # the tree is read
    test_side = _test_side_modules({p.stem for p in files})
    assert {"conftest", "mprun", "vectorfile", "run"} <= test_side
    wrong = []
    for p in files:
        for mod, level in _imports(p):
            top = mod.split(".")[0]
            if top in test_side or top in ("tests", "bench") or mod.endswith(".tests"):
                wrong.append("%s imports %s" % (p.relative_to(ROOT), mod))
        if "hil-tests" in p.read_text(encoding="utf-8"):
            wrong.append("%s names hil-tests" % p.relative_to(ROOT))
    assert wrong == []


def test_no_fordel_command_imports_devtools():
    fordel = ROOT / "host" / "fordel"
    wrong = []
    for p in fordel.rglob("*.py"):
        if p.parent.name == "devtools":
            continue
        for mod, _level in _imports(p):
            if "devtools" in mod.split("."):
                wrong.append("%s imports %s" % (p.relative_to(ROOT), mod))
    assert wrong == []


def test_tests_and_benches_do_not_import_each_other():
    bench = {p.stem for p in (ROOT / "host" / "bench").glob("*.py")}
    tests = [p for d in ("host", "firmware", "shared", "boards", "hil-tests")
             for p in (ROOT / d).rglob("*.py") if _is_test_side(p)
             and p.parent.name != "bench"]
    test_names = {p.stem for p in tests} - {p.stem for p in _product_files()}
    assert "run" in bench and "conftest" in test_names
    wrong = []
    for p in tests:
        wrong += ["%s imports %s" % (p.relative_to(ROOT), m) for m, _ in _imports(p)
                  if m.split(".")[0] in bench or m.startswith("bench.")]
    for p in (ROOT / "host" / "bench").glob("*.py"):
        wrong += ["%s imports %s" % (p.relative_to(ROOT), m) for m, _ in _imports(p)
                  if m.split(".")[0] in test_names or ".tests" in m]
    assert wrong == []
