"""A tenant opens their statement in a browser (headless Chromium, Debian's package): the
page shows their name, period, each cost line, the total, the aconto paid and the result.
The screenshot is kept in build/test-output/ for a person to look at."""
import shutil
import subprocess
from pathlib import Path


from fordel.settle import allocate, render
from fordel.settle import danish as dk
from fordel.settle.property import load

from test_settle_rules import folder  # noqa: E402  (same synthetic property)

OUT = Path(__file__).resolve().parents[2] / "build" / "test-output"


def chromium():
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    assert exe, "chromium missing: `make test` installs Debian's chromium (apt-get)"
    return exe


def test_tenant_sees_their_statement(tmp_path):
    result = allocate.settle(load(folder(tmp_path)))
    render.write_outputs(result, tmp_path / "out")
    st = [s for s in result.statements if s.tenancy_id == "TB2"][0]
    page = tmp_path / "out" / "statements" / "TB2.html"
    OUT.mkdir(parents=True, exist_ok=True)
    shot = OUT / "statement-TB2.png"
    base = [chromium(), "--headless", "--no-sandbox", "--disable-gpu",
            "--user-data-dir=%s" % (tmp_path / "chrome")]
    dom = subprocess.run(base + ["--dump-dom", page.as_uri()], capture_output=True, text=True,
                         timeout=120)
    assert dom.returncode == 0, dom.stderr[-2000:]
    html = dom.stdout
    for want in ("Cai", "st. th", dk.period(st.liable_from, st.liable_to), dk.kr(st.total_ore),
                 dk.kr(-st.aconto_ore), dk.result_word(st.balance_ore)):
        assert want in html, want
    for line in st.lines:
        assert dk.ore(line.amount_ore) in html
    subprocess.run(base + ["--screenshot=%s" % shot, "--window-size=1000,1600", page.as_uri()],
                   capture_output=True, timeout=120, check=True)
    assert shot.stat().st_size > 10000          # a real rendering, not an empty page
