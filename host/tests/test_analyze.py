"""`fordel decode --analyze`: header facts, why decryption fails (no key, wrong key), what
each record means and which field takes it, which drivers fit (telegrams: wmbusmeters'
published examples, ../shared/vectors)."""
import json

from click.testing import CliRunner

from fordel import analyze
from fordel.decode import decode_cmd
from wmbus import unhex

QCALORIC = "314493441234567835087A740000200B6E2701004B6E450100426C5F2CCB086E790000C2086C7F" \
           "21326CFFFF046D200B7422"
# fhkvdataiv example (security mode 5), key FCF41938F63432975B52505F547FCEDF
TECHEM = "4E4468507620541494087AAD004005089D86B62A329B3439873999738F82461ABDE3C7AC78692B36" \
         "3F3B41EB68607F9C9160F550769B065B6EA00A2E44346E29FF5DC5CB86283C69324AD33D137F6F"
TECHEM_KEY = bytes.fromhex("FCF41938F63432975B52505F547FCEDF")


def test_plaintext_records_and_their_fields():
    r = analyze.analyze(unhex(QCALORIC))
    assert r["decryption"] == "plaintext"
    assert r["header"]["manufacturer"] == "QDS" and r["header"]["id"] == "78563412"
    assert r["drivers"][0]["driver"] == "qcaloric" and r["drivers"][0]["detected"]
    by_field = {x["field"]: x for x in r["records"]}
    # 0B 6E 270100: HCA units, BCD 127, storage 0 -> the current reading
    hca = by_field["current_consumption_hca"]
    assert hca["value"] == 127 and hca["storage"] == 0 and hca["function"] == "instantaneous"
    assert by_field["error_date"]["function"] == "at error"


def test_record_the_driver_does_not_use_is_said_so():
    # the same telegram read by the generic water driver: HCA records are not its fields
    r = analyze.analyze(unhex(QCALORIC), driver="oms-water")
    assert any(x["field"] == analyze.NOT_USED and x["quantity"] == "HeatCostAllocation"
               for x in r["records"])


def test_why_decryption_fails():
    assert analyze.analyze(unhex(TECHEM))["decryption"] == "no_key"
    wrong = analyze.analyze(unhex(TECHEM), bytes(16))
    assert wrong["decryption"] == "wrong_key" and wrong["error_kind"] == "wrong_key"
    assert wrong["header"]["security_mode"] == 5
    ok = analyze.analyze(unhex(TECHEM), TECHEM_KEY)
    assert ok["decryption"] == "decrypted" and ok["reading"]["current_consumption_hca"] == 2


def test_cli_analyze_json_and_exit_status():
    res = CliRunner().invoke(decode_cmd, ["--analyze", QCALORIC])
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["driver"] == "qcaloric"
    res = CliRunner().invoke(decode_cmd, ["--analyze", "--format", "text", TECHEM])
    assert res.exit_code == 1 and "no_key" in res.output
