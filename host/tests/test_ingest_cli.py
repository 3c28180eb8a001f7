"""The ingest commands: the server refuses a collectors file with an empty key at start,
`fordel ingest status` reports the fleet, `fordel keys import` reads makers' key files and
never prints a key, `fordel readings export` still works."""
import json
import subprocess
import sys

import cbor2
from click.testing import CliRunner
from ingest_client import post, rec

from fordel.cli import main
from fordel.ingest.db import open_db
from fordel.ingest.meterkeys import KeyFileError, read_meter_keys
from fordel.ingest.server import serve_in_thread

KEY = bytes(range(16))
AES = "000102030405060708090A0B0C0D0E0F"


def test_ingest_refuses_an_empty_key_at_start(tmp_path):
    f = tmp_path / "c.csv"
    f.write_text("c1,1,,*\n")
    p = subprocess.run([sys.executable, "-m", "fordel.cli", "ingest", "--db",
                        str(tmp_path / "r.sqlite"), "--collectors", str(f), "--port", "0"],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 1 and "row 1: empty key for collector 'c1'" in p.stderr


def test_status_command_json_and_table(tmp_path):
    db = str(tmp_path / "r.sqlite")
    srv = serve_in_thread(db, {"c1": KEY}, clock=lambda: 1700003600)
    try:
        body = cbor2.dumps([rec(0), rec(2), rec(3, t=1000)])
        assert post(srv.server_address[1], body, KEY)[0] == 200
        post(srv.server_address[1], body, KEY, sig="ab" * 32)
    finally:
        srv.shutdown()
    r = CliRunner().invoke(main, ["ingest", "status", "--db", db, "--json"])
    assert r.exit_code == 0, r.output
    c1 = json.loads(r.output)["collectors"]["c1"]
    assert (c1["records"], c1["missing_seqs"], c1["auth_failures"]) == (2, 1, 1)
    assert list(c1["refused_records"].values()) == [1]
    r = CliRunner().invoke(main, ["ingest", "status", "--db", db])
    assert r.exit_code == 0 and "c1" in r.output and "before 2020-01-01" in r.output
    assert "1 meters silent for more than 3 days: 12345678" in r.output


def test_keys_import_formats_and_secrecy(tmp_path):
    db = str(tmp_path / "r.sqlite")
    plain = tmp_path / "plain.csv"
    plain.write_text("12345678,%s\n87654321,%s\n" % (AES, AES.lower()))
    maker = tmp_path / "maker.csv"
    maker.write_text("\ufeffSerial number;Type;AES key\n11223344;HCA;%s\n"
                     % " ".join(AES[i:i + 2] for i in range(0, 32, 2)), encoding="utf-8")
    for f, n in ((plain, 2), (maker, 1)):
        r = CliRunner().invoke(main, ["keys", "import", str(f), "--db", db])
        assert r.exit_code == 0 and "%d meter keys" % n in r.output
        assert AES not in r.output.upper().replace(" ", "")
    store = open_db(db)
    assert store.meter_key("11223344") == bytes(range(16))
    assert store.meter_key_count() == 3
    bad = tmp_path / "bad.csv"
    bad.write_text("meter_id,key\n12345678,%s\n" % AES[:-2])
    r = CliRunner().invoke(main, ["keys", "import", str(bad), "--db", db])
    assert r.exit_code == 1 and "bad.csv row 2: key must be 32 hex digits (AES-128, " \
        "security modes 5/7) or 16 (DES, security mode 2), got 30" in r.output
    assert AES[:-2] not in r.output
    # a DES key (security mode 2, e.g. Actaris ActisLink): 16 hex digits, stored as 8 bytes
    des = tmp_path / "des.csv"
    des.write_text("meter_id,key\n00000001,01:02:03:04:05:06:07:08\n")
    r = CliRunner().invoke(main, ["keys", "import", str(des), "--db", db])
    assert r.exit_code == 0 and "1 meter keys" in r.output
    assert store.meter_key("00000001") == bytes(range(1, 9))


def test_key_file_rules():
    for text, why in (("a,b,c\n1,2,3\n", "no header naming"),
                      ("12345678,%s\n12345678,%s\n" % (AES, "11" * 16), "twice with different"),
                      ("1234567,%s\n" % AES, "not 8 digits")):
        try:
            read_meter_keys(text)
        except KeyFileError as e:
            assert why in str(e)
        else:
            raise AssertionError("accepted %r" % text)


def test_readings_export_command(tmp_path):
    db = str(tmp_path / "r.sqlite")
    srv = serve_in_thread(db, {"c1": KEY}, clock=lambda: 1700003600)
    try:
        assert post(srv.server_address[1], cbor2.dumps([rec(0)]), KEY)[0] == 200
    finally:
        srv.shutdown()
    r = CliRunner().invoke(main, ["readings", "export", "--db", db])
    assert r.exit_code == 0
    assert "12345678,2023-11-14,100,reading,collector,c1:0" in r.output
