"""The radio drivers' parsers and request builders on real captures, in the micropython
binary under the ESP32-like heap cap (cases: firmware/tests/radio_cases.py)."""
import ast
import os
import pathlib
import re
import subprocess

from fordel.paths import FIRMWARE, SHARED, given_data, micropython_binary

HERE = pathlib.Path(__file__).resolve().parent
DOC = given_data() / "docs" / "radio-modules.md"


def doc_facts():
    """The iM871A capture of wmbusmeters issue #656 and the AMB8465 worked checksums, as
    ../shared/docs/radio-modules.md states them."""
    text = DOC.read_text()
    m = re.search(r"Another: `((?:[0-9A-F]{2} ?)+)`\s*\(issue #656; RSSI 0x4C = (-\d+) dBm, "
                  r"CRC 0x([0-9A-F]{4})\)", text)
    assert m, "issue #656 capture not found in radio-modules.md"
    sums = re.findall(r"`((?:FF [0-9A-F]{2} [0-9A-F]{2}(?: [0-9A-F]{2})*))` → `([0-9A-F]{2})`",
                      text)
    assert len(sums) == 4, sums
    return {"RADIO_DOC_IM871A": m.group(1).replace(" ", ""), "RADIO_DOC_IM871A_DBM": m.group(2),
            "RADIO_DOC_IM871A_CRC": m.group(3),
            "RADIO_DOC_AMB_CHECKSUMS": ",".join(h.replace(" ", "") + ":" + c for h, c in sums)}


def test_radio_cases_on_micropython():
    cases = [n.name for n in ast.parse((HERE / "radio_cases.py").read_text()).body
             if isinstance(n, ast.FunctionDef) and n.name.startswith("test_")]
    env = dict(os.environ, **doc_facts(), MICROPYPATH=os.pathsep.join(
        [str(FIRMWARE), str(SHARED), str(HERE), str(SHARED / "tests"), ".frozen"]))
    proc = subprocess.run([micropython_binary(), "-X", "heapsize=96K",
                           str(SHARED / "tests" / "mprun.py"), "radio_cases"],
                          capture_output=True, text=True, env=env, timeout=60)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    passed = sorted(ln.split()[1].split(".")[1] for ln in out.splitlines()
                    if ln.startswith("PASS"))
    assert passed == sorted(cases), out
