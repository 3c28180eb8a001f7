"""Bad input gets WMBusError naming the meter and the reason, on both interpreters; a fuzz
run over the real vectors (bit flips, truncation, length fields) lets nothing else escape."""
import vectorfile
from wmbus import Decoder, WMBusError, unhex

QCALORIC = unhex("314493441234567835087A740000200B6E2701004B6E450100426C5F2CCB086E79"
                 "0000C2086C7F21326CFFFF046D200B7422")


def error_of(frame, **kw):
    try:
        Decoder().decode(frame, **kw)
    except WMBusError as e:
        return e
    raise AssertionError("no WMBusError")


def test_truncated_frame_names_length():
    e = error_of(QCALORIC[:20])
    assert "L-field" in str(e), e


def test_wrong_key_is_named():
    case = [c for c in vectorfile.cases() if c["case_id"] == "fhkvdataiv:Rooom"][0]
    e = error_of(unhex(case["telegram"]), key=bytes(16), driver="oms-hca")
    assert "wrong key" in str(e) and e.meter == "14542076", e


def test_missing_key_is_named():
    case = [c for c in vectorfile.cases() if c["case_id"] == "fhkvdataiv:Rooom"][0]
    e = error_of(unhex(case["telegram"]), driver="oms-hca")
    assert "no key" in str(e) and "14542076" in str(e), e


def test_unknown_ci_and_driver():
    f = bytearray(QCALORIC)
    f[10] = 0x55
    e = error_of(bytes(f))
    assert "unknown CI field 0x55" in str(e) and e.meter == "78563412", e
    e = error_of(QCALORIC, driver="no-such-meter")
    assert "unknown driver" in str(e), e


def test_crc_checked_on_raw_frames():
    from wmbus.crc import crc16
    # build a format-A frame with CRCs from the plain one, then break one CRC
    plain = QCALORIC
    raw = bytearray(plain[:10])
    c = crc16(plain[:10])
    raw += bytes((c >> 8, c & 0xFF))
    for i in range(10, len(plain), 16):
        blk = plain[i:i + 16]
        c = crc16(blk)
        raw += blk + bytes((c >> 8, c & 0xFF))
    ok = Decoder().decode(bytes(raw))
    assert ok["current_consumption_hca"] == 127
    raw[14] ^= 0x01
    e = error_of(bytes(raw))
    assert "CRC error in block 2" in str(e), e


def _rand(seed):
    # xorshift32: the same sequence on both interpreters
    x = seed
    while True:
        x ^= (x << 13) & 0xFFFFFFFF
        x ^= x >> 17
        x ^= (x << 5) & 0xFFFFFFFF
        yield x


def test_fuzz_only_wmbus_errors_escape():
    cases = vectorfile.cases()
    frames = []
    for c in cases:
        frames.append((unhex(c["telegram"]), vectorfile.key_of(c), c["driver"]))
    rnd = _rand(2463534242)
    n = 0
    errors = 0
    for round_ in range(16):
        for frame, key, drv in frames:
            f = bytearray(frame)
            r = next(rnd)
            op = r % 4
            if op == 0:                       # flip bits
                for _ in range(1 + (r >> 8) % 3):
                    i = next(rnd) % len(f)
                    f[i] ^= 1 << (next(rnd) % 8)
            elif op == 1:                     # truncate (keep the L-field consistent)
                cut = 1 + (r >> 8) % (len(f) - 1)
                f = f[:cut]
                if f and f[0] != 0x68:
                    f[0] = len(f) - 1
            elif op == 2:                     # lie in the L-field
                f[0] = (r >> 8) & 0xFF
            else:                             # random byte in the payload
                i = 11 + (r >> 8) % max(1, len(f) - 11) if len(f) > 11 else 0
                f[i] = (r >> 16) & 0xFF
            d = Decoder()
            if key is not None:
                d.keys["*"] = key
            try:
                d.decode(bytes(f), driver=drv if round_ % 2 else None)
            except WMBusError:
                errors += 1
            n += 1
    assert n >= 2000 and errors > 0, (n, errors)
