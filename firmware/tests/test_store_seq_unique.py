"""Sequence numbers never repeat (on the micropython binary). A damaged frame in the newest
segment hides the frames after it; those may already have been uploaded and acknowledged
under their numbers, so reopening must not hand those numbers out again. A store made anew
(erased flash, a spare unit) is told apart by its store_id in every record."""
from flash_script import last_json, run_on_flash

DAMAGE_NEWEST_SEGMENT = r"""
def rec(n):
    return meterrecord.make_record("c", 0x12345678, 1700000000 + n, -70, {"n": n}, {"n": n},
                                   {"multiplier": 1.0}, bytes(20))
s = store.Store(root + "/store")
first = [s.append(rec(n)) for n in range(6)]
sid = getattr(s, "store_id", None)
s._close()
# flip one byte inside frame 2 of the newest (only) segment
seg = "%s/s%016x.seg" % (root + "/store", s.segments[-1])
offsets = [off for _seq, off, _ln, _b in s._frames(s.segments[-1])[0]]
with open(seg, "r+b") as f:
    f.seek(offsets[2] + 3)
    b = f.read(1)
    f.seek(offsets[2] + 3)
    f.write(bytes([b[0] ^ 0xFF]))
s2 = store.Store(root + "/store")
after = s2.append(rec(6))
s2._close()
s3 = store.Store(root + "/store")          # and after a reboot
again = s3.append(rec(7))
back = [meterrecord.decode(raw) for _seq, raw in s3.records()]
print(json.dumps({"first": first, "after": after, "again": again,
                  "pending": [q for q, _ in s3.pending(50)], "sid": sid,
                  "sid2": getattr(s3, "store_id", None),
                  "rec_sids": sorted(set(str(r.get("store_id")) for r in back)),
                  "damaged": s2.damaged}))
"""


def _run(tmp_path, name):
    return last_json(run_on_flash(DAMAGE_NEWEST_SEGMENT, tmp_path / name))


def test_damaged_frame_never_reuses_seq(tmp_path):
    got = _run(tmp_path, "flash.img")
    assert got["first"] == [0, 1, 2, 3, 4, 5]
    assert got["damaged"] >= 1
    # seqs 2..5 were handed out before the damage: the next ones must be above all of them
    assert got["after"] > 5 and got["again"] > got["after"]
    assert set(got["pending"]).isdisjoint({2, 3, 4, 5})
    assert got["pending"][:2] == [0, 1] and got["pending"][-2:] == [got["after"], got["again"]]
    # one store, one id, carried by every record
    assert got["sid"] == got["sid2"] and got["rec_sids"] == [got["sid"]]


def test_new_store_gets_new_store_id(tmp_path):
    # a spare unit or erased flash: numbering restarts, but under a different store_id
    a = _run(tmp_path, "a.img")
    b = _run(tmp_path, "b.img")
    assert a["first"] == b["first"] == [0, 1, 2, 3, 4, 5]
    assert a["sid"] != b["sid"] and len(a["sid"]) == 8


RENUMBER = r"""
def rec(n):
    return meterrecord.make_record("c", 0x12345678, 1700000000 + n, -70, {"n": n}, {"n": n},
                                   {"multiplier": 1.0}, bytes(20))
s = store.Store(root + "/store")
for n in range(5):
    s.append(rec(n))
s.ack(1)
k = s.renumber(100)
after = s.append(rec(5))
s._close()
s2 = store.Store(root + "/store")            # and after a reboot
again = s2.append(rec(6))
pend = [(q, meterrecord.decode(raw)["values"]["n"], meterrecord.decode(raw)["seq"])
        for q, raw in s2.pending(50)]
print(json.dumps({"k": k, "after": after, "again": again, "pending": pend,
                  "status": s.status()}))
"""


def test_renumber_stores_what_is_pending_again_above_the_servers_numbers(tmp_path):
    """A spare unit with the old config: the server holds seqs up to 99 from the old unit;
    told so (409, next_seq 100), the store keeps its unacknowledged readings (2, 3, 4)
    under 100, 101, 102 (in the frame and in the record) and numbers on from there."""
    got = last_json(run_on_flash(RENUMBER, tmp_path / "flash.img"))
    assert got["k"] == 3 and got["status"]["renumbered"] == 3
    assert got["pending"] == [[100, 2, 100], [101, 3, 101], [102, 4, 102], [103, 5, 103],
                              [104, 6, 104]]
    assert got["after"] == 103 and got["again"] == 104
