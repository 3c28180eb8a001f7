"""A meter coded with a key must send telegrams encrypted with that key: the collector
refuses a plaintext one (security mode 0, or mode 5 with a plaintext 2F2F payload), stores
nothing from it and counts it as that meter's security_errors; a wrong key counts as a
decrypt failure, not a CRC error (error codes, wmbus/errors.py)."""
import sys

from fordel.paths import FIRMWARE

sys.path[:0] = [str(FIRMWARE), str(FIRMWARE.parent / "shared")]

import collector  # noqa: E402
import meterstats as ms  # noqa: E402
import reading_policy  # noqa: E402
from coding import CodingTable  # noqa: E402
from wmbus import Decoder, unhex  # noqa: E402

# wmbusmeters' qcaloric example (drivers/src/qcaloric.xmq): meter 78563412, mode 0
PLAIN = unhex("314493441234567835087A740000200B6E2701004B6E450100426C5F2CCB086E79"
              "0000C2086C7F21326CFFFF046D200B7422")
CSV = ("meter_id,key,apartment,room,kind,scale,kq,kc,reduction,multiplier,driver\n"
       "78563412,000102030405060708090A0B0C0D0E0F,st.tv,stue,hca,unit,1,1,0,,qcaloric\n")


class _Store:
    def __init__(self):
        self.records = []

    def append(self, r):
        self.records.append(r)
        return len(self.records)


def _collector(tmp_path, csv, now=1704067200):
    p = tmp_path / "coding.csv"
    p.write_text(csv)
    table = CodingTable.load(str(p))
    dec = Decoder(keyed_must_decrypt=True)      # as firmware/main.py builds it

    def decode(frame, mid, key, driver, out=None):
        return dec.decode(frame, key=key, driver=driver, out=out)

    store = _Store()
    policy = reading_policy.ReadingPolicy(len(table))
    c = collector.Collector("c1", table, decode, store, policy,
                            lambda *a: {"values": a[4]}, clock=lambda: now)
    return c, store


def test_plaintext_from_keyed_meter_is_refused_and_counted(tmp_path):
    c, store = _collector(tmp_path, CSV)
    assert c.handle_frame(PLAIN, -60) is None
    assert store.records == []
    m = next(c.meters())
    assert m["security_errors"] == 1 and m["ok"] == 0 and m["stored"] == 0


def test_plaintext_from_meter_coded_without_key_is_stored(tmp_path):
    c, store = _collector(tmp_path, CSV.replace("000102030405060708090A0B0C0D0E0F", ""))
    assert c.handle_frame(PLAIN, -60) is not None
    assert store.records[0]["values"]["current_consumption_hca"] == 127
    assert next(c.meters())["security_errors"] == 0


def test_classify_uses_codes_not_text():
    from wmbus import WMBusError, errors
    assert collector.classify(WMBusError("wrong key: ELL payload CRC does not match", "1",
                                         errors.WRONG_KEY)) == ms.DECRYPT
    assert collector.classify(WMBusError("x", "1", errors.CRC)) == ms.CRC
    assert collector.classify(WMBusError("x", "1", errors.NOT_ENCRYPTED)) == ms.SECURITY
    assert collector.classify(WMBusError("key", "1")) == ms.DECODE


def test_diehl_prios_meter_is_found_by_its_printed_id():
    # wmbusmeters' izar example (src/driver_izar.cc): Diehl puts version and type before the
    # id, so the meter printed 66236629 is A-field bytes 2-5
    frame = unhex("2944A511780729662366A20118001378D3B3DB8CEDD77731F25832AAF3DA8CADF9774EA6"
                  "73172E8C61F2")
    assert "%08x" % collector.meter_id_of(frame) == "66236629"
    assert "%08x" % collector.meter_id_of(PLAIN) == "78563412"


def test_nothing_is_stored_while_the_clock_is_unset(tmp_path):
    """After a power-up without NTP an ESP32's clock reads 2000-01-01: a reading dated so
    would be refused by ingest (time before 2020) and lost, so the collector stores nothing
    until its clock is set and counts each telegram it let pass (clock_unset)."""
    unset = 946684800 + 3600                    # 2000-01-01 01:00 UTC
    c, store = _collector(tmp_path, CSV.replace("000102030405060708090A0B0C0D0E0F", ""),
                          now=unset)
    assert c.handle_frame(PLAIN, -60) is None and c.handle_frame(PLAIN, -60) is None
    assert store.records == [] and c.clock_unset == 2          # status()["clock_unset"]
    c.clock = lambda: 1704067200                  # set by the server's answer
    assert c.handle_frame(PLAIN, -60) is not None
    assert store.records[0]["values"]["current_consumption_hca"] == 127
