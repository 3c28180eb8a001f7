"""`fordel decode`: one JSON object per telegram, streams, keys CSV, errors, --as-collector."""
import json
import pathlib
import subprocess
import sys

from click.testing import CliRunner

from fordel.cli import main

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2] / "shared" / "tests"))
import vectorfile  # noqa: E402

QCAL = ("314493441234567835087A740000200B6E2701004B6E450100426C5F2CCB086E790000C2086C7F21326C"
        "FFFF046D200B7422")


def case(case_id):
    return [c for c in vectorfile.cases() if c["case_id"] == case_id][0]


def run(args, input=None):
    return CliRunner().invoke(main, ["decode"] + args, input=input)


def test_hex_argument_gives_json_line():
    r = run([QCAL])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    want = case("qcaloric:MyElement1")["expected"]
    assert vectorfile.differences(out, dict(want, name="")) == []


def test_input_file_with_wmbusmeters_lines_and_keys_csv(tmp_path):
    c = case("fhkvdataiv:Rooom")
    (tmp_path / "sim.txt").write_text("# capture\ntelegram=|%s|\n\n%s\n" % (c["telegram"], QCAL))
    (tmp_path / "keys.csv").write_text("meter_id,key,driver\n%s,%s,oms-hca\n"
                                       % (c["expected"]["id"], c["key"]))
    r = run(["--keys", str(tmp_path / "keys.csv"), "--input", str(tmp_path / "sim.txt")])
    assert r.exit_code == 0, r.output
    lines = [json.loads(x) for x in r.output.splitlines()]
    assert [x["id"] for x in lines] == [c["expected"]["id"], "78563412"]
    assert lines[0]["current_consumption_hca"] == c["expected"]["current_consumption_hca"]


def test_errors_are_listed_and_exit_nonzero(tmp_path):
    c = case("fhkvdataiv:Rooom")
    (tmp_path / "in.txt").write_text("%s\nZZ\n%s\n" % (c["telegram"], QCAL))
    r = CliRunner().invoke(main, ["decode", "--input", str(tmp_path / "in.txt")])
    assert r.exit_code == 1
    assert "14542076: encrypted (security mode 5) and no key" in r.output
    assert "line 2" in r.output and "not a hex telegram" in r.output
    assert '"id": "78563412"' in r.output        # the good telegram is still decoded


def test_bad_keys_csv_names_row(tmp_path):
    (tmp_path / "k.csv").write_text("meter_id,key\n12345678,00FF\n")
    r = run(["--keys", str(tmp_path / "k.csv"), QCAL])
    assert r.exit_code != 0 and "row 2" in r.output and "32 hex digits" in r.output


def test_as_collector_gives_the_same_readings(tmp_path):
    c = case("fhkvdataiv:Rooom")
    (tmp_path / "in.txt").write_text("%s\n%s\n" % (QCAL, c["telegram"]))
    args = ["decode", "--key", c["key"], "--input", str(tmp_path / "in.txt")]
    host = subprocess.run([sys.executable, "-m", "fordel.cli"] + args, capture_output=True,
                          text=True)
    coll = subprocess.run([sys.executable, "-m", "fordel.cli"] + args + ["--as-collector"],
                          capture_output=True, text=True)
    assert host.returncode == 0 and coll.returncode == 0, host.stderr + coll.stderr
    h = [json.loads(x) for x in host.stdout.splitlines()]
    m = [json.loads(x) for x in coll.stdout.splitlines()]
    assert len(h) == 2 and h == m


def test_keys_from_the_collectors_coding_csv(tmp_path):
    """The coding CSV a technician pushes (meter_id,key,apartment,room,kind,...,driver) is
    read by its header: key and driver from their named columns, apartment not a driver."""
    c = case("fhkvdataiv:Rooom")
    (tmp_path / "coding.csv").write_text(
        "meter_id,key,apartment,room,kind,scale,kq,kc,reduction,multiplier,driver\n"
        "%s,%s,3.tv,stue,hca,unit,1,1,,,fhkvdataiv\n" % (c["expected"]["id"], c["key"]))
    r = run(["--keys", str(tmp_path / "coding.csv"), c["telegram"]])
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["current_consumption_hca"] == c["expected"]["current_consumption_hca"]
