# cpython-only: reads the source with ast
"""No import circles in the collector's modules and the shared record package (issue 16):
every import, also those inside functions, read from the source with ast."""
import ast

from fordel.paths import FIRMWARE, SHARED


def _imports(path, package):
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:                          # relative: inside the package
                base = package + ("." + node.module if node.module else "")
                out.add(base)
                out.update(base + "." + a.name for a in node.names)
            else:
                out.add(node.module)
                out.update(node.module + "." + a.name for a in node.names)
    return out


def _graph():
    mods = {}
    for p in FIRMWARE.glob("*.py"):
        mods[p.stem] = p, ""
    for p in (SHARED / "meterrecord").glob("*.py"):
        name = "meterrecord" if p.stem == "__init__" else "meterrecord." + p.stem
        mods[name] = p, "meterrecord"
    return {m: {i for i in _imports(p, pkg) if i in mods and i != m}
            for m, (p, pkg) in mods.items()}


def _cycles(graph):
    found = []
    for start in graph:
        stack = [(start, [start])]
        while stack:
            node, path = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    found.append(path)
                elif nxt not in path and len(path) < 8:
                    stack.append((nxt, path + [nxt]))
    return found


def test_no_import_circles():
    g = _graph()
    assert "coding_csv" in g and "meterrecord.cbor_read" in g      # the graph is read
    assert _cycles(g) == []
