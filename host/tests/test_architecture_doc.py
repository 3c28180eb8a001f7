"""docs/architecture.md names only modules that exist: every `path.py` or `folder/` in it is
found in the repository, the short ones (`device/flash.py`, `aes.py`) beside a full path
named earlier on the same line or in the `fordel` package (host/fordel), `<board>` standing
for any board."""
import re

import pytest

from fordel.paths import ROOT

pytestmark = pytest.mark.skipif(ROOT is None, reason="needs the source checkout")


def _named_paths(line):
    return [t for t in re.findall(r"`([^`\s]+)`", line)
            if t.endswith((".py", "/")) or t.endswith("/*.py")]


def _find(name, bases):
    """The first file or folder `name` names under one of `bases`, else None."""
    pattern = name.replace("<board>", "*")
    for base in bases:
        hits = sorted(base.glob(pattern))
        if hits:
            return hits[0]
    return None


def test_every_module_named_exists():
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing, seen = [], 0
    for line in text.splitlines():
        bases = [ROOT, ROOT / "host" / "fordel"]
        for name in _named_paths(line):
            seen += 1
            found = _find(name, bases)
            if found is None:
                missing.append(name)
                continue
            # short names after it are beside it, or one or two levels up
            folder = found if found.is_dir() else found.parent
            bases[2:] = [folder, folder.parent, folder.parent.parent]
    assert seen > 60                      # the page is read
    assert missing == []
