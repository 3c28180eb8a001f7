# cpython-only: reads the source with ast
"""The ints of a parsed data record (Records.a) are named once, in shared/wmbus/dv.py
(issue 16): the names are the offsets 0 .. W-1, and no other module indexes a record's
ints by a bare number (`a[b + 10]`, `rec.a[i * 11 + 7]`): each imports the names."""
import ast

from fordel.paths import ROOT, SHARED
from wmbus import dv

SLOTS = ("CODE", "MTYPE", "STORE", "TARIFF", "SUBUNIT", "DTYPE", "OFF", "LEN", "C1", "C2",
         "NCOMB")


def test_slot_names_are_the_record_width():
    assert sorted(getattr(dv, n) for n in SLOTS) == list(range(dv.W))


def _record_index_numbers(path):
    """`a[...]` / `x.a[...]` subscripts (not slices) whose index holds a number literal."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if not isinstance(node, ast.Subscript) or isinstance(node.slice, ast.Slice):
            continue                                # a range of records is not a slot
        v = node.value
        if not (isinstance(v, ast.Name) and v.id == "a" or
                isinstance(v, ast.Attribute) and v.attr == "a"):
            continue
        if any(isinstance(n, ast.Constant) and isinstance(n.value, int)
               for n in ast.walk(node.slice)):
            found.append("%s:%d" % (path.name, node.lineno))
    return found


def test_no_module_indexes_a_record_by_number():
    files = [p for p in (SHARED / "wmbus").rglob("*.py") if p.name != "dv.py"]
    if ROOT:
        files.append(ROOT / "host" / "fordel" / "analyze.py")
    assert len(files) > 50
    found = [f for p in files for f in _record_index_numbers(p)]
    assert found == []
