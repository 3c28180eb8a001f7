"""Nothing unix-only in the firmware: every import in firmware/ (not its tests or sim-board
tools) and in the
esp32-* boards must exist on the ESP32, as the MicroPython ESP32 stubs (PyPI
micropython-esp32-stubs, pinned in pyproject.toml) describe it, or be our own code.
Unix-only code (termios, os.getenv, pty files) may live only in boards/sim."""
import ast
import pathlib
import sys
import tomllib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FIRMWARE, SHARED, BOARDS = ROOT / "firmware", ROOT / "shared", ROOT / "boards"

# attributes of the stdlib-merged os/sys stubs that exist on the ESP32 without carrying
# the stubs' @mp_available marker (MicroPython docs: os, sys)
EXTRA = {"os": {"uname", "ilistdir", "sep", "VfsFat", "VfsLfs2"},
         "sys": {"argv", "byteorder", "implementation", "maxsize", "modules", "path",
                 "platform", "stderr", "stdin", "stdout", "version", "version_info"}}


def stub_dir():
    for p in map(pathlib.Path, sys.path):
        if (p / "esp32.pyi").is_file() and (p / "machine.pyi").is_file():
            return p
    pytest.fail("micropython-esp32-stubs not installed (pip install -e '.[dev]')")


def own_modules():
    names = {"board"}                                     # every board supplies board.py
    # shared/ packages declared in pyproject.toml (they may land after this test)
    dirs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"][
        "package-dir"]
    names |= {name for name, d in dirs.items() if d.startswith("shared/")}
    for base in (FIRMWARE, SHARED, BOARDS / "esp32-common"):
        names |= {p.stem for p in base.glob("*.py")}
        names |= {p.parent.name for p in base.glob("*/__init__.py")}
    return names


class Stubs:
    def __init__(self, root):
        self.root = root
        self.files = {}
        for p in root.glob("*.pyi"):
            self.files[p.stem] = p
        for p in root.glob("*/__init__.pyi"):
            if p.parent.name not in ("stdlib", "_mpy_shed"):
                self.files[p.parent.name] = p
        # u-modules re-export a stdlib-merged stub: "uos.pyi: from os import *"
        for name, p in list(self.files.items()):
            tree = ast.parse(p.read_text())
            for node in tree.body:
                if isinstance(node, ast.ImportFrom) and node.names[0].name == "*" and \
                        name == "u" + node.module:
                    std = root / "stdlib" / (node.module + ".pyi")
                    std = std if std.is_file() else root / "stdlib" / node.module / "__init__.pyi"
                    if node.module not in self.files:
                        self.files[node.module] = std if std.is_file() else None
        self._names = {}

    def has_module(self, name):
        return name in self.files

    def names(self, module):
        """Names the ESP32 module provides, or None if the stub cannot tell (merged stdlib
        stubs other than os/sys describe CPython's module, a superset)."""
        if module not in self._names:
            p = self.files.get(module)
            merged = p is None or "stdlib" in p.parts
            if p is None or (merged and module not in EXTRA):
                self._names[module] = None
            else:
                tree = ast.parse(p.read_text())
                marked = "mp_available" in p.read_text() and merged
                self._names[module] = set(EXTRA.get(module, ())) | collect(tree.body, marked)
        return self._names[module]


def collect(body, marked_only):
    out = set()
    for node in body:
        if isinstance(node, (ast.If, ast.Try)):
            for part in (node.body, node.orelse, getattr(node, "handlers", [])):
                for sub in part:
                    out |= collect(getattr(sub, "body", [sub]), marked_only)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if not marked_only or any("mp_available" in ast.unparse(d)
                                      for d in node.decorator_list):
                out.add(node.name)
        elif marked_only:
            continue
        elif isinstance(node, ast.Assign):
            out |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            out.add(node.target.id)
        elif isinstance(node, ast.ImportFrom):
            out |= {a.asname or a.name for a in node.names}
    return out


def problems(source, filename, stubs, own):
    tree = ast.parse(source, filename)
    found, aliases = [], {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                top = a.name.split(".")[0]
                if top in own:
                    continue
                if not stubs.has_module(top):
                    found.append("%s:%d: import %s: no such module on the ESP32"
                                 % (filename, node.lineno, a.name))
                elif "." not in a.name:
                    aliases[a.asname or a.name] = a.name
        elif isinstance(node, ast.ImportFrom):
            if node.level or node.module.split(".")[0] in own:
                continue
            if not stubs.has_module(node.module):
                found.append("%s:%d: from %s import ...: no such module on the ESP32"
                             % (filename, node.lineno, node.module))
                continue
            names = stubs.names(node.module)
            for a in node.names:
                if names is not None and a.name != "*" and a.name not in names:
                    found.append("%s:%d: %s.%s does not exist on the ESP32"
                                 % (filename, node.lineno, node.module, a.name))
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and \
                node.value.id in aliases:
            module = aliases[node.value.id]
            names = stubs.names(module)
            if names is not None and node.attr not in names:
                found.append("%s:%d: %s.%s does not exist on the ESP32"
                             % (filename, node.lineno, module, node.attr))
    return found


def firmware_files():
    files = [p for p in FIRMWARE.rglob("*.py")   # tools/ run on the sim board only
             if not {"tests", "tools"} & set(p.relative_to(FIRMWARE).parts)]
    for board in sorted(BOARDS.glob("esp32-*")):
        files += [p for p in board.rglob("*.py") if "tests" not in p.parts]
    return sorted(files)


def test_checker_catches_unix_only_code():
    bad = ("import termios\nimport os, select\nfrom select import epoll\nimport typing\n"
           "os.openpty()\nos.getenv('X')\nos.listdir()\nimport machine\nmachine.UART(2)\n"
           "machine.Nope()\nimport time\ntime.ticks_ms()\nimport asyncio\n")
    found = problems(bad, "bad.py", Stubs(stub_dir()), set())
    assert [f.split(": ", 1)[1] for f in found] == [
        "import termios: no such module on the ESP32",
        "select.epoll does not exist on the ESP32",
        "import typing: no such module on the ESP32",
        "os.openpty does not exist on the ESP32",
        "os.getenv does not exist on the ESP32",
        "machine.Nope does not exist on the ESP32",
    ], found


def test_firmware_and_esp32_boards_import_only_what_the_esp32_has():
    stubs, own = Stubs(stub_dir()), own_modules()
    files = firmware_files()
    assert FIRMWARE / "radio" / "im871a.py" in files
    assert BOARDS / "esp32-im871a" / "board.py" in files
    assert BOARDS / "esp32-common" / "esp32board.py" in files
    found = []
    for p in files:
        found += problems(p.read_text(), str(p.relative_to(ROOT)), stubs, own)
    assert not found, "\n".join(found)


def test_sim_board_is_where_unix_code_lives():
    # the sim board does use unix-only modules: the checker must see them there
    found = problems((BOARDS / "sim" / "board.py").read_text(), "boards/sim/board.py",
                     Stubs(stub_dir()), own_modules())
    assert any("termios" in f for f in found) and any("os.getenv" in f for f in found)
