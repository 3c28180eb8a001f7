"""Auto-detection follows the drivers' declarations (manufacturer, version, device type):
one driver declaring a header gets it; where several do, the one whose declaration takes
the most of the telegram's data records (remembered per meter); a tie, or a header no
driver declares, reads as the generic OMS driver with the standard meanings, never as a
confident guess of a maker's driver. On CPython and inside the micropython binary.

Telegrams: wmbusmeters' hydrus_r4 example (drivers/src/hydrus_r4.xmq, "Witer": AMT f1 07,
total 481.899 m3, access counter 4, year-period volume 354.259 m3 with forward 354.259 and
reverse 0 in tariffs 2 and 1, year-period end 2019-12-31), with its header changed as each
test says. The records are plaintext (2F2F), so a changed header still decodes."""
from wmbus import Decoder, drivers, unhex
from wmbus.drivers import index

R4 = ("4E44B40512345678F1077A310040052F2F01FD08040C13991848004C1359423500CC101300000000"
      "CC201359423500426C7F2C0B3B00000002FD74DA10025AD300C4016D3B179F27CC011387124600")
ACCESS_COUNTER = "01FD0804"     # VIF FD 08: a record hydrus_r4 declares and hydrus does not


def _mfct(code):
    """The 2-byte M-field of a 3-letter manufacturer code (EN 13757-4: 5 bits a letter)."""
    v = (ord(code[0]) - 64) << 10 | (ord(code[1]) - 64) << 5 | (ord(code[2]) - 64)
    return bytes((v & 0xFF, v >> 8))


def _telegram(mfct, version, dtype, drop=None, meter_id=None):
    h = R4
    if drop:        # the record's bytes become 2F fillers: the encrypted length is kept
        h = h.replace(drop, "2F" * (len(drop) // 2), 1)
    b = bytearray(unhex(h))
    b[2:4] = _mfct(mfct)
    if meter_id is not None:
        b[4:8] = bytes((meter_id >> (8 * i)) & 0xFF for i in range(4))
    b[8] = version
    b[9] = dtype
    return bytes(b)


def test_the_one_declaring_driver_is_taken():
    for mfct, version in (("DFS", 0x24), ("SPL", 0x24), ("SPL", 0x25), ("AMT", 0xF1)):
        got = Decoder().decode(_telegram(mfct, version, 0x07))
        assert got["meter"] == "hydrus_r4", (mfct, got["meter"])
        assert got["total_m3"] == 481.899 and got["access_counter"] == 4
        assert "detection" not in got


def test_hyd_24_07_goes_to_the_driver_whose_records_it_sends():
    # hydrus and hydrus_r4 both declare HYD 24 07; the R4 layout's access counter is a
    # record only hydrus_r4 declares: it takes 11 of the 11 records, hydrus 10
    got = Decoder().decode(_telegram("HYD", 0x24, 0x07))
    assert got["meter"] == "hydrus_r4"
    assert got["forward_volume_year_period_m3"] == 354.259
    assert got["reverse_volume_year_period_m3"] == 0
    assert got["meter_year_period_end_date"] == "2019-12-31"
    assert "unknown_records" not in got


def test_a_tie_reads_with_standard_meanings_and_says_so():
    # without the access counter both drivers take every record: no driver is guessed; the
    # generic OMS water driver names storage 0 the current total and storage 1 the set-date
    # reading and its date (EN 13757-3 storage numbers)
    got = Decoder().decode(_telegram("HYD", 0x24, 0x07, drop=ACCESS_COUNTER))
    assert got["meter"] == "oms-water"
    assert got["detection"] == "ambiguous: hydrus hydrus_r4"
    assert (got["total_m3"], got["target_m3"], got["target_date"]) == \
        (481.899, 354.259, "2019-12-31")
    # what the standard names leave unread is listed, not dropped: the tariff 1 and 2
    # year-period volumes, the month-period volume and date-time (storage 3), the battery
    # and the water temperature (VIF FD 74, 5A: read by both makers' drivers)
    unknown = got["unknown_records"].split()
    assert "013/s1/t1/u0/f0=00000000" in unknown
    assert "013/s1/t2/u0/f0=00354259" in unknown
    assert "013/s3/t0/u0/f0=00461287" in unknown
    assert len(unknown) == 6, unknown


def test_a_meter_once_told_apart_keeps_its_driver():
    # the same meter's shorter telegram (no access counter) after one that told them apart
    d = Decoder()
    assert d.decode(_telegram("HYD", 0x24, 0x07))["meter"] == "hydrus_r4"
    got = d.decode(_telegram("HYD", 0x24, 0x07, drop=ACCESS_COUNTER))
    assert got["meter"] == "hydrus_r4" and "detection" not in got
    # another meter's shorter telegram is still a tie
    other = d.decode(_telegram("HYD", 0x24, 0x07, drop=ACCESS_COUNTER, meter_id=0x11223344))
    assert other["meter"] == "oms-water" and other["id"] == "11223344"


def test_an_undeclared_header_is_not_given_a_makers_driver():
    # HYD version 0x99 and DME 0x70 type 0x08 (an allocator type): declared by no driver;
    # the generic driver of the device type reads them, with no maker's names
    got = Decoder().decode(_telegram("HYD", 0x99, 0x07))
    assert got["meter"] == "oms-water" and got["total_m3"] == 481.899
    assert Decoder().decode(_telegram("XYZ", 0x24, 0x07))["meter"] == "oms-water"
    got = Decoder().decode(_telegram("HYD", 0x24, 0x08))
    assert got["meter"] == "oms-hca" and "total_m3" not in got


def test_coded_driver_wins_over_detection():
    got = Decoder(drivers={"78563412": "hydrus"}).decode(_telegram("HYD", 0x24, 0x07))
    assert got["meter"] == "hydrus" and got["total_at_date_m3"] == 354.259


def test_index_leaves_only_drivers_that_records_can_tell_apart():
    # a driver that only renames another (izarv2 -> izar, topaseskr -> hydrus_r4, ...)
    # steps aside where both declare a header; where several remain, each reads data
    # records (its fit can be measured)
    for key, mods in index.DETECT.items():
        ds = [drivers.load(m) for m in mods]
        for d in ds:
            assert d.renames is None or d.renames.replace("-", "_") not in mods, key
        if len(ds) > 1:
            assert all(d.records for d in ds), key
