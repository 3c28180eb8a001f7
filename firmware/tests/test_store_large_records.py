"""A record larger than the store's preallocated buffer (an allocator sending 30 half-month
values, a water meter with its monthly history: ~2.6 kB) is stored all the same, reads back
intact, and an upload batch stays within its byte budget (on the micropython binary)."""
from flash_script import last_json, run_on_flash

SCRIPT = r"""
s = store.Store(root + "/store", max_record=512)
small = meterrecord.make_record("c", 1, 1700000000, -70, {"total_m3": 1.5}, {"total_m3": 1.5},
                                {"multiplier": 1.0}, bytes(30))
big_values = {}
for k in range(1, 31):
    big_values["delta_%d_half_months_ago_hca" % k] = k * 7
big = meterrecord.make_record("c", 2, 1700000001, -71, big_values, big_values,
                              {"scale": "unit", "kq": 1.0, "kc": 1.0, "reduction": 0.0},
                              bytes(range(200)))
seqs = [s.append(small), s.append(big), s.append(small), s.append(big)]
back = {seq: meterrecord.decode(raw) for seq, raw in s.records()}
batch = s.pending(20, max_bytes=1500)
print(json.dumps({"seqs": seqs, "oversized": s.oversized,
                  "big_ok": back[seqs[1]]["values"] == big_values
                            and back[seqs[1]]["telegram"] == bytes(range(200)),
                  "small_ok": back[seqs[0]]["values"] == {"total_m3": 1.5},
                  "batch": [seq for seq, _ in batch],
                  "batch_bytes": sum(len(b) for _, b in batch),
                  "big_len": len([raw for seq, raw in s.records()][1])}))
"""


def test_large_record_stored_and_batches_bounded(tmp_path):
    got = last_json(run_on_flash(SCRIPT, tmp_path / "flash.img"))
    assert got["seqs"] == [0, 1, 2, 3]
    assert got["oversized"] == 2 and got["big_len"] > 512
    assert got["big_ok"] and got["small_ok"]
    # the batch takes the oldest records until the next would pass 1,500 bytes
    assert got["batch"][0] == 0 and got["batch_bytes"] <= 1500 + got["big_len"]
    assert len(got["batch"]) < 4
