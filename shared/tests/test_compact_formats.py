"""Compact frames (CI 0x79) decode with a format learnt from any meter's full frame (the
format signature is the CRC-16 of the DIF/VIF bytes, the same for every meter sending that
format), and the learnt formats stay a handful however many meters send them.

The frames are made from the flowIQ 2200 vector "VATTEN" (wmbusmeters' published telegram,
../shared/vectors): decrypted once, its ELL payload CRC then checks out on the plaintext, so
other meter ids can be written into the header (this one is sent unencrypted anyway) and a
compact frame built from its records."""
import vectorfile
from wmbus import Decoder, WMBusError, unhex
from wmbus.crc import crc16

_LEN = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 4, 6: 6, 7: 8}
ELL_CRC = 17        # L C M M A A A A V T | 8D CC ACC SN SN SN SN | CRC CRC | CI records


def full_plain():
    case = [c for c in vectorfile.cases() if c["case_id"] == "kamwater:VATTEN"][0]
    d = Decoder()
    key = unhex(case["key"]) if case.get("key") else None
    d.decode(unhex(case["telegram"]), key=key, driver="kamwater")
    return bytearray(d.t.frame), case["expected"]


def split_records(b, i, count=99):
    """DIF/VIF bytes, data bytes and end of the first `count` records from b[i:]."""
    fmt = bytearray()
    data = bytearray()
    while i < len(b) and count:
        count -= 1
        dif = b[i]
        fmt.append(dif)
        i += 1
        e = dif
        while e & 0x80:
            e = b[i]
            fmt.append(e)
            i += 1
        v = b[i]
        fmt.append(v)
        i += 1
        while v & 0x80:
            v = b[i]
            fmt.append(v)
            i += 1
        n = _LEN[dif & 0x07]
        data += b[i:i + n]
        i += n
    return bytes(fmt), bytes(data), i


def first_records(full, count):
    """The full frame with only its first `count` records: a format of its own, one the
    driver does not declare, so only learning can make its compact frames decodable."""
    end = split_records(full, ELL_CRC + 3, count)[2]
    return with_crc(bytearray(full[:end]))


def with_crc(frame):
    c = crc16(frame, ELL_CRC + 2, len(frame))
    frame[ELL_CRC] = c & 0xFF
    frame[ELL_CRC + 1] = c >> 8
    frame[0] = len(frame) - 1
    return frame


def for_meter(frame, n):
    f = bytearray(frame)
    f[4] = n & 0xFF
    f[5] = (n >> 8) & 0xFF
    return with_crc(f)


def compact_of(full):
    assert full[ELL_CRC + 2] == 0x78
    fmt, data, _ = split_records(full, ELL_CRC + 3)
    sig = crc16(fmt, 0, len(fmt))
    body = bytearray((0x79, sig & 0xFF, sig >> 8, 0, 0))
    body += data
    return with_crc(bytearray(full[:ELL_CRC + 2]) + body), fmt


def test_compact_frame_decodes_with_a_format_learnt_from_another_meter():
    full, want = full_plain()
    full = first_records(full, 3)       # info codes, meter reading, target reading
    compact_b, fmt = compact_of(for_meter(full, 0x0B0B))
    d = Decoder()
    try:
        d.decode(compact_b, driver="kamwater")
    except WMBusError as e:
        assert "its format is unknown" in str(e), e
    else:
        raise AssertionError("decoded a compact frame of an unknown format")
    a = dict(d.decode(for_meter(full, 0x0A0A), driver="kamwater"))
    got = d.decode(compact_b, driver="kamwater")
    assert got["id"] != a["id"]
    assert a["total_m3"] == want["total_m3"] and a["target_m3"] == want["target_m3"]
    for name in a:
        if name != "id":
            assert got[name] == a[name], (name, got[name], a[name])
    assert list(d.formats.values()) == [fmt]


def test_learnt_formats_stay_few_for_500_meters():
    full, _ = full_plain()
    d = Decoder()
    for n in range(500):
        d.decode(for_meter(full, n), driver="kamwater")
    assert len(d.formats) == 1
