"""bench_decode's comparison with wmbusmeters: without the binary the row says "no ratio";
with one on PATH it gets the same telegrams as a simulation file, every meter with driver
and key on its command line and duplicates not ignored, and a ratio row is printed. A
stand-in `wmbusmeters` script (prints one reading per telegram line, checks its arguments)
plays the binary: the real one is not installable here (not in Debian 12's packages)."""
import importlib.util
import json
import os
import pathlib
import stat

from fordel.paths import ROOT

FAKE = r"""#!/bin/sh
# a stand-in for wmbusmeters: checks the arguments bench_decode gives, prints a reading a line
[ "$2" = "--format=json" ] && [ "$3" = "--ignoreduplicates=false" ] || exit 2
case "$4" in */simulation_*.txt) ;; *) exit 3 ;; esac
echo "$@" > "$(dirname "$4")/args.txt"
grep -c '^telegram=|[0-9A-Fa-f]*|$' "$4" > /dev/null || exit 4
sed -n 's/^telegram=|\(.*\)|$/{"_":"telegram","hex":"\1"}/p' "$4"
"""


def _bench():
    spec = importlib.util.spec_from_file_location(
        "bench_decode", ROOT / "host" / "bench" / "bench_decode.py")
    m = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(m)
    return m


def _files(tmp_path):
    hexf = tmp_path / "a.hex"
    hexf.write_text("2E44AAAA\n2E44BBBB\n" * 3)
    keyf = tmp_path / "a_keys.csv"
    keyf.write_text("meter_id,key,driver\n12345678,000102030405060708090A0B0C0D0E0F,"
                    "qcaloric\n87654321,,\n")
    return hexf, keyf


def test_no_binary_no_ratio(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    b = _bench()
    hexf, keyf = _files(tmp_path)
    assert b.wmbusmeters_rate(hexf, keyf, 6) is None


def test_binary_on_path_gets_the_same_telegrams(tmp_path, monkeypatch):
    binp = tmp_path / "bin"
    binp.mkdir()
    fake = binp / "wmbusmeters"
    fake.write_text(FAKE)
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", str(binp) + os.pathsep + os.environ["PATH"])
    b = _bench()
    hexf, keyf = _files(tmp_path)
    rate = b.wmbusmeters_rate(hexf, keyf, 6)
    assert rate > 0
    args = (tmp_path / "args.txt").read_text().split()
    assert args[4:] == ["m12345678", "qcaloric", "12345678",
                        "000102030405060708090A0B0C0D0E0F", "m87654321", "auto", "87654321",
                        "NOKEY"]
    out = pathlib.Path(tmp_path / "wmbusmeters_a.json").read_text().splitlines()
    assert [json.loads(x)["hex"] for x in out] == hexf.read_text().split()
