"""firmware/coding.py run inside the real micropython binary (the collector's interpreter)."""
import json
import subprocess

import pytest

from fordel.paths import FIRMWARE, micropython_binary

CSV = """meter_id,key,apartment,room,kind,scale,kq,kc,reduction,multiplier,driver
20000002,,st.tv,køkken,hot_water,,,,,2,
10000001,000102030405060708090A0B0C0D0E0F,st.tv,stue,hca,unit,1.25,0.8,0.1,,qcaloric
10000003,,1.th,bad,hca,product,1.25,0.8,0.1,,
"""

SCRIPT = r"""
import sys, json
sys.path[:0] = [%(fw)r, %(shared)r]
from coding import CodingTable, CodingError
try:
    t = CodingTable.load(%(path)r)
except CodingError as e:
    print(json.dumps({"error": str(e)}))
    raise SystemExit
out = {}
for mid in (0x10000001, 0x10000003, 0x20000002, 0x30000000):
    s = t.slot(mid)
    if s < 0:
        out["%%08x" %% mid] = None
        continue
    vals = {"current_consumption_hca": 1000, "consumption_at_set_date_hca": 200, "total_m3": 1.5,
            "status": "OK"}
    out["%%08x" %% mid] = {"kind": t.kind(s), "coded": t.apply(s, vals),
                          "factors": t.factors_used(s), "where": t.describe(s),
                          "key": None if t.key(s) is None else t.key(s).hex()}
print(json.dumps(out))
"""


def run(tmp_path, csv):
    path = tmp_path / "coding.csv"
    path.write_text(csv, encoding="utf-8")
    proc = subprocess.run([micropython_binary(), "-X", "heapsize=96K", "-c",
                           SCRIPT % {"fw": str(FIRMWARE), "path": str(path),
                                     "shared": str(FIRMWARE.parent / "shared")}],
                          capture_output=True, text=True, timeout=30)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_unit_and_product_scale_and_water_multiplier(tmp_path):
    out = run(tmp_path, CSV)
    unit = out["10000001"]
    # unit scale: reading x KQ x KC x (1 - reduction) = 1000 x 1.25 x 0.8 x 0.9 = 900
    assert unit["coded"] == {"current_consumption_hca": 900.0,
                             "consumption_at_set_date_hca": 180.0}
    assert unit["factors"] == {"scale": "unit", "kq": 1.25, "kc": 0.8, "reduction": 0.1}
    assert unit["key"] == "000102030405060708090a0b0c0d0e0f"
    assert unit["where"] == ["st.tv", "stue"]
    # product scale: KQ, KC already in the count; only the reduction: 1000 x 0.9
    assert out["10000003"]["coded"]["current_consumption_hca"] == 900.0
    assert out["10000003"]["factors"]["scale"] == "product"
    # water: m3 x multiplier 2
    assert out["20000002"]["coded"] == {"total_m3": 3.0}
    assert out["20000002"]["kind"] == "hot_water"
    assert out["30000000"] is None


@pytest.mark.parametrize("row,reason", [
    ("1234567,,a,b,hca,unit,1,1,0,,", "meter_id"),
    ("12345678,00ff,a,b,hca,unit,1,1,0,,", "32 hex digits"),
    ("12345678,,a,b,gas,unit,1,1,0,,", "kind"),
    ("12345678,,a,b,hca,unit,x,1,0,,", "kq"),
    ("12345678,,a,b,hca,unit,1,1,1.5,,", "reduction"),
    ("12345678,,a,b,hca,wide,1,1,0,,", "scale"),
])
def test_bad_rows_name_file_row_and_reason(tmp_path, row, reason):
    out = run(tmp_path, "meter_id,key\n" + row + "\n")
    assert "row 2" in out["error"] and reason in out["error"], out


def test_duplicate_meter_is_refused(tmp_path):
    out = run(tmp_path, "10000001,,a,b,hca\n10000001,,c,d,hca\n")
    assert "coded twice" in out["error"]
