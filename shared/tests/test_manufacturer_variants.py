# cpython-only: encrypts with the meter simulator's encoder (host/fordel/sim, cryptography)
"""Telegrams in the makers' own payload layouts, built here from each layout's description
(the byte positions written out below, as the driver docstrings cite them) with random
values, in random register order where the layout allows, plaintext and encrypted as the
meter would send them. The expected values are computed here from the raw numbers, not by
the driver. Per-make counts are printed (pytest -s)."""
import datetime
import random
import struct

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

try:            # cryptography 43+: TripleDES lives with the decrepit ciphers
    from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES as _TripleDES
except ImportError:
    _TripleDES = algorithms.TripleDES

from fordel.sim import telegram as tg
from wmbus import Decoder, WMBusError
from wmbus.crc import crc16

RNG = random.Random(1016)
N = 25          # variants per make


def _frame(m, meter_id, version, dtype, ci, body):
    f = bytes((0x44,)) + tg.address(m, meter_id, version, dtype) + bytes((ci,)) + body
    return bytes((len(f),)) + f


def _tpl(payload, key=None, access=0x21):
    """Short TPL header and payload: plaintext (mode 0), or mode 5 with `key`."""
    if key is None:
        return bytes((access, 0x00, 0x00, 0x00)) + payload, None
    plain = tg.pad_plain(payload)
    cw = 0x0500 | (len(plain) // 16) << 4
    return bytes((access, 0x00)) + struct.pack("<H", cw), plain


def _short(m, meter_id, version, dtype, payload, key=None, access=0x21):
    hdr, plain = _tpl(payload, key, access)
    if key is None:
        return _frame(m, meter_id, version, dtype, 0x7A, hdr)
    f = _frame(m, meter_id, version, dtype, 0x7A, hdr)
    iv = f[2:10] + bytes((access,)) * 8
    f = f + tg.aes_cbc_encrypt(key, iv, plain)
    return bytes((len(f) - 1,)) + f[1:]


def _id():
    return "%08d" % RNG.randrange(10 ** 8)


def _key():
    return bytes(RNG.randrange(256) for _ in range(16)) if RNG.random() < 0.5 else None


def _zenner0b():
    # 0F, status u32, target u32, total u32 (1/256000 m3), one padding byte
    st = RNG.choice((0, RNG.randrange(1, 1 << 32)))
    target, total = RNG.randrange(1 << 32), RNG.randrange(1 << 32)
    pay = b"\x0F" + struct.pack("<III", st, target, total) + b"\x00"
    key = _key()
    f = _short("ZRI", _id(), 0x0B, 0x16, pay, key)
    return f, key, {"total_m3": round(total / 256000, 6), "target_m3": round(target / 256000, 6),
                    "status": "STATUS_%X" % st if st else "OK"}


# apator162 registers: id -> payload length (a subset of the documented table)
_APA_REGS = {0x00: 4, 0x01: 3, 0x11: 2, 0x40: 6, 0x41: 2, 0x43: 2, 0x71: 9, 0x73: 17,
             0x80: 10, 0x85: 11, 0x8A: 9, 0xA0: 4, 0xA3: 7, 0xB1: 8, 0xC2: 3, 0xF0: 4}


def _apator162():
    litres = RNG.randrange(1 << 31)
    regs = [(0x10, struct.pack("<I", litres))]
    for r in RNG.sample(sorted(_APA_REGS), RNG.randrange(0, 5)):
        regs.append((r, bytes(RNG.randrange(256) for _ in range(_APA_REGS[r]))))
    RNG.shuffle(regs)
    body = b"".join(bytes((r,)) + d for r, d in regs)
    key = _key()
    head = b"\x0F" + bytes(RNG.randrange(256) for _ in range(7)) + body
    # 0xFF padding before the 2-byte checksum; encrypted, the meter pads to whole blocks
    pad = (-(2 + len(head) + 2) % 16) if key else RNG.randrange(0, 6)
    pay = head + b"\xFF" * pad + b"\x12\x34"
    f = _short("APA", _id(), 0x05, 0x07, pay, key)
    return f, key, {"total_m3": litres / 1000}


def _apator172():
    raw = RNG.randrange(1 << 31)
    body = struct.pack("<I", raw) + bytes(RNG.randrange(256) for _ in range(12))
    f = _frame("APT", _id(), 0x04, 0x11, 0xA0, body)
    tenths = (raw * 10 * 2 + 3) // 6                # raw x 10 / 3, halves up
    return f, None, {"total_m3": tenths / 10}


def _packed(y, m, d):
    return (y - 2000) << 9 | m << 5 | d


def _date():
    y, m = RNG.randrange(2010, 2031), RNG.randrange(1, 13)
    return y, m, RNG.randrange(1, 29)


def _apatoreitn():
    season_lo = RNG.randrange(256)
    prev, cur = RNG.randrange(1 << 16), RNG.randrange(1 << 16)
    esb = _date() if RNG.random() < 0.5 else None
    now = _date()
    t_prev, t_now = RNG.randrange(1 << 16), RNG.randrange(1 << 16)
    direct = bytes((season_lo, 0, 0)) + struct.pack(
        "<HHHHHH", prev, _packed(*esb) if esb else 0, cur, _packed(*now), t_prev, t_now)
    if RNG.random() < 0.5:
        ci, body = 0xA0, direct
    else:
        n = RNG.randrange(16)
        ci, body = 0xB6, bytes((n,)) + bytes(RNG.randrange(256) for _ in range(n)) + \
            b"\xA0" + direct
    season = 0xA000 | season_lo
    want = {"current_hca": cur, "previous_hca": prev, "current_date": "%04d-%02d-%02d" % now,
            "esb_date": "%04d-%02d-%02d" % esb if esb else None,
            "status": "SEAL_BROKEN" if esb else "OK",
            "season_start_date": "%04d-%02d-%02d" % (2000 + (season >> 9 & 0x1F),
                                                     season >> 5 & 0x0F, season & 0x1F),
            "temp_room_avg_c": t_now / 256, "temp_room_prev_avg_c": t_prev / 256}
    if (season >> 5 & 0x0F) not in range(1, 13) or (season & 0x1F) == 0:
        del want["season_start_date"]               # no calendar date: not compared here
    return _frame("APA", _id(), 0x04, 0x08, ci, body), None, want


def _bcd(v):
    return (v // 10) << 4 | v % 10


def _bfw240radio():
    prev, cur = RNG.randrange(1 << 16), RNG.randrange(1 << 16)
    hist = [RNG.randrange(1 << 12) for _ in range(18)]      # months 1..18 ago
    groups = b""
    for k in range(9):                                        # 18+17 first, 2+1 last
        older, newer = hist[17 - 2 * k], hist[16 - 2 * k]
        groups += bytes((older & 0xFF, (older >> 8) << 4 | newer >> 8, newer & 0xFF))
    y, m, d = _date()
    pay = b"\x2F\x2F\x00\x00" + struct.pack(">HH", prev, cur) + b"\x00\x00" + groups + \
        bytes((_bcd(d), _bcd(m), _bcd(y - 2000)))
    want = {"current_hca": cur, "prev_hca": prev, "device_date": "%04d-%02d-%02d" % (y, m, d)}
    for n in range(1, 19):
        want["prev_%02d_hca" % n] = hist[n - 1]
    return _short("BFW", _id(), 0x02, 0x08, pay), None, want


def _techem_dates():
    py, pm, pd = _date()
    cm, cd = RNG.randrange(1, 13), RNG.randrange(1, 29)
    cy = py + (1 if (cm, cd) <= (pm, pd) else 0)      # the year after, up to the set date
    return (py, pm, pd), (cy, cm, cd), struct.pack("<H", _packed(py, pm, pd)), \
        struct.pack("<H", cd << 4 | cm << 9)


def _mkradio3():
    prev, cur, pbytes, cbytes = _techem_dates()
    pv, cv = RNG.randrange(1 << 15), RNG.randrange(1 << 15)
    body = b"\x06" + pbytes + struct.pack("<H", pv) + cbytes + struct.pack("<H", cv) + \
        bytes(RNG.randrange(256) for _ in range(16))
    want = {"target_m3": pv / 10, "total_m3": round((pv + cv) / 10, 6),
            "prev_date": "%04d-%02d-%02d" % prev, "current_date": "%04d-%02d-%02d" % cur}
    return _frame("TCH", _id(), 0x74, 0x62, 0xA2, body), None, want


def _fhkvdataiii():
    prev, cur, pbytes, cbytes = _techem_dates()
    ph, ch = RNG.randrange(1 << 16), RNG.randrange(1 << 16)
    room, rad = RNG.randrange(1 << 15), RNG.randrange(1 << 15)
    lead = RNG.choice((0x01, 0x11, 0x0F))
    extra = b"\x00" if lead == 0x0F else b""
    body = bytes((lead,)) + pbytes + struct.pack("<H", ph) + cbytes + struct.pack("<H", ch) + \
        extra + struct.pack("<HH", room, rad) + bytes(8)
    want = {"previous_hca": ph, "current_hca": ch, "temp_room_c": room / 100,
            "temp_radiator_c": rad / 100, "previous_date": "%04d-%02d-%02d" % prev,
            "current_date": "%04d-%02d-%02d" % cur}
    return _frame("TCH", _id(), 0x69, 0x80, 0xA0, body), None, want


def _ell_encrypt(frame, key):
    """A Kamstrup ELL (CI 0x8D) frame sent encrypted: AES-128-CTR from the payload CRC on,
    IV = M A CC(0x12 cleared) SN 00 00 00 (EN 13757-4)."""
    f = bytearray(frame)
    f[16] = (f[16] & 0x1F) | 0x20                       # SN bits 29-31: encrypted (1)
    iv = bytes(f[2:10]) + bytes((f[11] & ~0x12 & 0xFF,)) + bytes(f[13:17]) + bytes(3)
    enc = Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor()
    return bytes(f[:17]) + enc.update(bytes(f[17:])) + enc.finalize()


# Kamstrup Multical 21 / flowIQ full frames sent in clear (wmbusmeters' kamwater examples,
# ../shared/vectors): the same telegrams, encrypted as the meter sends them
KAMSTRUP = (
    ("2F44372C834208543C168D209E926F9820903279D4364649000062ED000034C9000041373303110F1716077"
     "000077000", {"total_m3": 60.77, "target_m3": 51.508, "target_date": "2026-07-01"}),
)


def _kamwater():
    hexframe, want = KAMSTRUP[0]
    key = bytes(RNG.randrange(256) for _ in range(16))
    return _ell_encrypt(bytes.fromhex(hexframe), key), key, dict(want)


def _mkradio3a():
    # [0:2] -, [2:4] date (day bits 0-4, month 5-8, year-2000 9-15), [4:7] reading 0.1 m3,
    # 12 x (1 byte -, low and high half-month byte in 0.1 m3), newest first, 1 byte -
    y, m = RNG.randrange(2010, 2060), RNG.randrange(1, 13)
    day = RNG.randrange(1, 29)
    reading = RNG.randrange(1 << 24)
    halves = [(RNG.randrange(256), RNG.randrange(256)) for _ in range(12)]
    body = bytes(RNG.randrange(256) for _ in range(2)) + struct.pack("<H", _packed(y, m, day))
    body += struct.pack("<I", reading)[:3]
    for lo, hi in halves:
        body += bytes((RNG.randrange(256), lo, hi))
    body += bytes((RNG.randrange(256),))
    # month k back: both halves of word k after the 15th, else the high half of word k-1
    # (none for k = 0) and the low half of word k
    want = {"total_m3": reading / 10, "target_date": "%04d-%02d-%02d" % (y, m, day)}
    months = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov",
              "dec")
    for k in range(12):
        lo, hi = halves[k]
        before = halves[k - 1][1] if k else 0
        used = (lo + hi if day > 15 else before + lo) / 10
        want["last_%s_m3" % months[(m - 1 - k) % 12]] = used
        if k == 0:
            want["target_m3"] = used
    return _frame("TCH", _id(), 0x50, 0x72, 0xA2, body), None, want


def _mkradio4():
    # [3:5] volume at the set date, [7:9] volume since, 16 bits LE, 0.1 m3 (VIF 0x15)
    prev, cur = RNG.randrange(1 << 16), RNG.randrange(1 << 16)
    body = bytes(RNG.randrange(256) for _ in range(3)) + struct.pack("<H", prev) + \
        bytes(RNG.randrange(256) for _ in range(2)) + struct.pack("<H", cur) + \
        bytes(RNG.randrange(256) for _ in range(RNG.randrange(0, 30)))
    ver, typ = RNG.choice(((0x95, 0x62), (0x70, 0x62), (0x95, 0x72), (0x70, 0x72)))
    want = {"target_m3": prev / 10, "total_m3": round((prev + cur) / 10, 6),
            "media": "warm water" if typ == 0x62 else "cold water"}
    return _frame("TCH", _id(), ver, typ, 0xA2, body), None, want


def _apator08():
    # counter u32 LE in thirds of a litre, then data not decoded
    raw = RNG.randrange(1 << 32)
    body = struct.pack("<I", raw) + bytes(RNG.randrange(256) for _ in range(12))
    ver = RNG.choice((0x03, 0x0F))
    return _frame("APT", _id(), ver, ver, 0xA0, body), None, {"total_m3": round(raw / 3000, 6)}


def _apatoreitn40():
    # 27 words LE: w1 season start, w2/w3 radiator/room 1/16 C signed, w4 this month,
    # w5-19 previous months, w20-23 periods, w24 date, w25 day of week, w26 status
    w = [RNG.randrange(1 << 16) for _ in range(27)]
    sm, sd = RNG.randrange(1, 13), RNG.randrange(1, 29)
    y, m, day = RNG.randrange(2010, 2060), RNG.randrange(1, 13), RNG.randrange(1, 29)
    w[1], w[24] = _packed(2000, sm, sd), _packed(y, m, day)
    w[26] = RNG.choice((0, 0xFFFF, RNG.randrange(1, 0x80)))
    want = {"current_hca": w[20], "previous_hca": w[21], "previous_2y_hca": w[22],
            "previous_3y_hca": w[23], "current_month_hca": w[4], "previous_month_hca": w[5],
            "current_date": "%04d-%02d-%02d" % (y, m, day),
            "season_start_date": "2000-%02d-%02d" % (sm, sd),
            "temp_radiator_c": (w[2] - (1 << 16) if w[2] >> 15 else w[2]) / 16,
            "temp_room_c": (w[3] - (1 << 16) if w[3] >> 15 else w[3]) / 16}
    for k in range(2, 16):
        want["previous_month_%02d_hca" % k] = w[4 + k]
    if w[26] == 0:
        want["status"] = "OK"
    elif w[26] == 0xFFFF:
        want["status"] = "SEAL_BROKEN"
    body = b"".join(struct.pack("<H", v) for v in w)
    lead = RNG.choice((b"", b"\xA0", b"\x02\x11\x22\xA0"))
    ver = RNG.choice((0x09, 0x0D))
    return _frame("APA", _id(), ver, 0x08, 0xA0, lead + body), None, want


# Diehl PRIOS: the payload from frame byte 15 on XORed with the low byte of a 32-bit LFSR
# (taps 1, 2, 11, 31; 8 steps a byte) seeded with a default key XOR the frame's bytes 2-13
# as three big-endian words; the first plain byte is 0x4B (Diehl's scheme as published with
# wmbusmeters' izar driver; the two default keys are the public ones it ships)
_PRIOS_KEYS = (0x39BC8A10 ^ 0xE66D83F8, 0x51728910 ^ 0xE66D83F8)
IZAR = (
    # wmbusmeters' izar examples: (telegram, values that stay)
    ("1944304C72242421D401A2013D4013DD8B46A4999C1293E582CC",
     {"prefix": "C19UA", "serial_number": "145842", "manufacture_year": "2019",
      "current_alarms": "meter_blocked,underflow", "previous_alarms": "no_alarm"}),
    ("19442423860775035048A251520015BEB6B2E1ED623A18FC74A5",
     {"current_alarms": "no_alarm", "previous_alarms": "leakage"}),
)


def _prios_xor(frame, key):
    w0, w1, w2 = struct.unpack(">III", bytes(frame[2:14]))
    k = key ^ w0 ^ w1 ^ w2
    out = bytearray(frame)
    for i in range(15, len(frame)):
        for _ in range(8):
            bit = ((k >> 1) ^ (k >> 2) ^ (k >> 11) ^ (k >> 31)) & 1
            k = ((k << 1) | bit) & 0xFFFFFFFF
        out[i] ^= k & 0xFF
    return out


IZARV2 = (
    # wmbusmeters' izarv2 examples (no alarm bits set)
    ("1944304C9C5824210C04A363140013716577EC59E8663AB0D31C",
     {"prefix": "H19CA", "serial_number": "159196", "manufacture_y": "2019", "status": "OK"}),
    ("1944A511780779194820A121170013355F8EDB2D03C6912B1E37", {"status": "OK"}),
)


def _izarv2():
    f, key, want = _izar(IZARV2)
    names = {"last_month_total_m3": "target_m3", "last_month_measure_date": "target_date",
             "remaining_battery_life_y": "battery_y"}
    return f, key, {names.get(k, k): v for k, v in want.items()}


def _izar(frames=IZAR):
    hexframe, keep = RNG.choice(frames)
    f = bytearray(bytes.fromhex(hexframe))
    key = next(k for k in _PRIOS_KEYS if _prios_xor(f, k)[15] == 0x4B)
    plain = _prios_xor(f, key)
    total, last = RNG.randrange(1 << 32), RNG.randrange(1 << 32)
    yy, m, day = RNG.randrange(0, 64), RNG.randrange(1, 13), RNG.randrange(1, 29)
    # type G date: day bits 0-4, year bits 0-2 in 5-7, month bits 8-11, year bits 3-6 12-15
    plain[16:20], plain[20:24] = struct.pack("<I", total), struct.pack("<I", last)
    plain[24], plain[25] = day | (yy & 7) << 5, m | (yy >> 3) << 4
    period, battery = RNG.randrange(16), RNG.randrange(32)
    plain[11] = (plain[11] & 0xF0) | period
    plain[12] = (plain[12] & 0xE0) | battery
    frame = _prios_xor(plain, key)
    want = dict(keep, total_m3=total / 1000, last_month_total_m3=last / 1000,
                last_month_measure_date="%04d-%02d-%02d" % (2000 + yy, m, day),
                transmit_period_s=1 << (period + 2), remaining_battery_life_y=battery / 2)
    return bytes(frame), None, want


def _bcd_le(v, n):
    """v as 2n BCD digits, least significant byte first."""
    return bytes(((v // 10 ** (2 * k + 1)) % 10) << 4 | (v // 10 ** (2 * k)) % 10
                 for k in range(n))


def _datetime_f():
    t = datetime.datetime(RNG.randrange(2001, 2060), RNG.randrange(1, 13), RNG.randrange(1, 29),
                          RNG.randrange(24), RNG.randrange(60))
    return tg.datetime_f(t), t.strftime("%Y-%m-%d %H:%M")


def _build(m, version, dtype, records):
    """Records in a short-TPL frame, plaintext or mode 5 with a fresh key."""
    key = _key()
    f = tg.build(m, _id(), version, dtype, records, key=key, mode=5 if key else 0,
                 access=RNG.randrange(256))
    return f, key


# Bmeters Hydrodigit: standard total and clock, then DIF 0F: a contents byte and the blocks
# it announces in the order battery (bit 0), fraud (bit 1), leak (bit 7), backflow (bit 2),
# monthly totals (bit 4); battery volts of the nibbles seen in published telegrams
_HYDRODIGIT_VOLTS = {0x0: 3.7, 0xA: 3.05, 0xB: 3.2, 0xE: 3.7}
_FRAUD = ((0x80, "MAGNETIC_FRAUD_ATTEMPT"), (0x40, "SENSOR_FRAUD_ATTEMPT"),
          (0x20, "MODULE_REMOVED"))
_MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")


def _hydrodigit():
    litres = RNG.randrange(10 ** 8)
    dt, dt_text = _datetime_f()
    c = 0
    for bit in (0x01, 0x02, 0x80, 0x04, 0x10):
        c |= bit if RNG.random() < 0.6 else 0
    names = [n for bit, n in ((0x01, "BATTERY_VOLTAGE"), (0x02, "FRAUD_DATE"),
                              (0x80, "LEAK_DATE"), (0x04, "BACKFLOW"),
                              (0x10, "MONTHLY_DATA")) if c & bit]
    want = {"total_m3": litres / 1000, "meter_datetime": dt_text,
            "contents": " ".join(sorted(names))}
    mf = bytes((c,))
    if c & 0x01:
        nib = RNG.choice(sorted(_HYDRODIGIT_VOLTS))
        mf += bytes((nib | RNG.randrange(16) << 4,))
        want["voltage_v"] = _HYDRODIGIT_VOLTS[nib]
    if c & 0x02:
        ftype = RNG.randrange(8) << 5
        y, m, d = RNG.randrange(0, 60), RNG.randrange(1, 13), RNG.randrange(1, 29)
        mf += bytes((ftype, _bcd_le(y, 1)[0], m, _bcd_le(d, 1)[0]))
        types = sorted(n for bit, n in _FRAUD if ftype & bit)
        want["fraud_type"] = " ".join(types) if types else "NO_TYPE_INFO"
        want["fraud_date"] = "%04d-%02d-%02d" % (2000 + y, m, d)
    if c & 0x80:
        y, m, d = RNG.randrange(0, 60), RNG.randrange(1, 13), RNG.randrange(1, 29)
        mf += _bcd_le(y, 1) + _bcd_le(m, 1) + _bcd_le(d, 1)
        want["leak_date"] = "%04d-%02d-%02d" % (2000 + y, m, d)
    if c & 0x04:
        back = RNG.randrange(1 << 32)
        mf += struct.pack("<I", back)
        want["backflow_m3"] = back / 1000
    if c & 0x10:
        for name in _MONTH_NAMES:
            v = RNG.choice((RNG.randrange(10 ** 7), 0xFFFFFF))
            mf += struct.pack("<I", v)[:3]
            want[name + "_total_m3"] = v / 100 if v < 10 ** 7 else 0
    recs = b"\x0C\x13" + _bcd_le(litres, 4) + b"\x04\x6D" + dt + b"\x0F" + mf
    f, key = _build("BMT", RNG.choice((0x13, 0x15, 0x17)), 0x07, recs)
    return f, key, want


def _type_g(y, m, d):
    return bytes((d | (y & 7) << 5, m | (y >> 3) << 4))


def _qwater():
    # CI 0x78 walk-by frame: 0D FF 5F, LVAR 0x35, 53 bytes (total BCD8 litres at 12, due
    # date type G at 16, due value at 18, day-17 date at 22, its value at 24), then the clock
    blob = bytearray(RNG.randrange(256) for _ in range(53))
    total, due, d17 = (RNG.randrange(10 ** 8) for _ in range(3))
    want = {"total_m3": total / 1000, "due_date_m3": due / 1000, "due_17_date_m3": d17 / 1000}
    blob[12:16], blob[18:22], blob[24:28] = _bcd_le(total, 4), _bcd_le(due, 4), \
        _bcd_le(d17, 4)
    for at, name in ((16, "due_date"), (22, "due_17_date")):
        if RNG.random() < 0.15:
            blob[at:at + 2] = b"\xFF\xFF"
            want[name] = None
        else:
            y, m, d = RNG.randrange(0, 60), RNG.randrange(1, 13), RNG.randrange(1, 29)
            blob[at:at + 2] = _type_g(y, m, d)
            want[name] = "%04d-%02d-%02d" % (2000 + y, m, d)
    dt, want["meter_datetime"] = _datetime_f()
    body = b"\x0D\xFF\x5F\x35" + bytes(blob) + b"\x2F\x04\x6D" + dt
    ver, typ = RNG.choice(((0x19, 0x07), (0x1D, 0x06), (0x17, 0x06)))
    return _frame("QDS", _id(), ver, typ, 0x78, body), None, want


# BMeters Hydroclima: units (VIF 6E) and, in DIF 0F, a layout byte (0x10 short, 0x11 long),
# the status word, and 16-bit temperatures in 1/100 C at the layout's offsets
_HC_SHORT = {"average_ambient_temperature_c": 7, "max_ambient_temperature_c": 9,
             "average_ambient_temperature_last_month_c": 15,
             "average_heater_temperature_last_month_c": 17}
_HC_LONG = {"average_heater_temperature_c": 9, "average_ambient_temperature_c": 11,
            "max_ambient_temperature_c": 13, "average_heater_temperature_last_month_c": 17,
            "average_ambient_temperature_last_month_c": 19,
            "ambient_temperature_at_set_date_1_c": 29,
            "ambient_temperature_at_set_date_2_c": 31,
            "ambient_temperature_at_set_date_3_c": 33}


def _hydroclima_block(want, v2):
    long_ = RNG.random() < 0.5
    blob = bytearray(RNG.randrange(256) for _ in range(47 if long_ else 21))
    blob[0] = 0x11 if long_ else 0x10
    for name, at in (_HC_LONG if long_ else _HC_SHORT).items():
        v = RNG.randrange(1 << 16)
        blob[at:at + 2] = struct.pack("<H", v)
        want[name] = v / 100
    if v2:
        flags = RNG.choice((0, RNG.randrange(1, 1 << 16)))
        blob[1:3] = struct.pack("<H", flags)
        want["status"] = "ERROR_FLAGS_%X" % flags if flags else "OK"
        if long_:
            for k in range(4):
                want["consumption_at_set_date_%d_hca" % (k + 1)] = \
                    struct.unpack("<H", blob[21 + 2 * k:23 + 2 * k])[0]
            want["total_consumption_hca"] = struct.unpack("<H", blob[44:46])[0]
        else:
            want["total_consumption_hca"] = struct.unpack("<H", blob[19:21])[0]
    return bytes(blob)


def _hydroclima_frame(version, v2):
    units = RNG.randrange(1 << 23)         # type B integer: signed (EN 13757-3)
    want = {("consumption_hca" if v2 else "current_consumption_hca"): units}
    recs = b"\x03\x6E" + struct.pack("<I", units)[:3] + b"\x0F" + _hydroclima_block(want, v2)
    f, key = _build("BMP", version, 0x08, recs)
    return f, key, want


def _hydroclima():
    return _hydroclima_frame(0x53, False)


def _hydroclimav2():
    return _hydroclima_frame(0x85, True)


# Apator NA-1: CI A0, access number, frame status, then one AES-128-CBC block (IV as mode 5,
# the maker's all-zero key unless the meter has its own): -, packed total (u32: bits 4-5 the
# power of ten, bits 0-3 and 8-31 the count of that many litres), meter time (u32 seconds
# since 2000-01-01), historic age (14 bits, hours) and delta (26 bits), two status bytes
_NA1_FRAME = {0: "OK", 0x01: "SUMMER_TIME", 0x20: "INSTALL_FRAME"}
_NA1_CURRENT = {0: "OK", 0x08: "LEAK", 0x01: "BATTERY_LOW", 0x82: "MAGNETIC_FIELD MINIMUM_FLOW"}
_NA1_HISTORIC = {0: "OK", 0x80: "MINIMUM_FLOW",
                 0x01: "BATTERY_LIFETIME_THRESHOLD_EXCEEDED"}


def _na1_time(seconds):
    t = datetime.datetime(2000, 1, 1) + datetime.timedelta(seconds=seconds)
    return t.strftime("%Y-%m-%d %H:%M")


def _apatorna1():
    acc = RNG.randrange(256)
    fstat, cur, hist = (RNG.choice(sorted(m)) for m in (_NA1_FRAME, _NA1_CURRENT,
                                                         _NA1_HISTORIC))
    power, count = RNG.randrange(4), RNG.randrange(1 << 28)
    packed = (count >> 4) << 8 | power << 4 | (count & 0x0F)
    now = RNG.randrange(86400 * 365, 86400 * 365 * 50)
    age, delta = RNG.randrange(1 << 14), RNG.randrange(min(count, 1 << 26))
    block = bytes((RNG.randrange(256),)) + struct.pack("<II", packed, now) + bytes((
        age & 0xFF, (age >> 8) << 2 | (delta & 3), (delta >> 2) & 0xFF, (delta >> 10) & 0xFF,
        delta >> 18, cur, hist))
    key = RNG.choice((bytes(16), bytes(RNG.randrange(256) for _ in range(16))))
    meter_id = _id()
    iv = tg.address("APA", meter_id, 0x14, 0x07) + bytes((acc,)) * 8     # M, A, 8 x ACC
    f = _frame("APA", meter_id, 0x14, 0x07, 0xA0,
               bytes((acc, fstat)) + tg.aes_cbc_encrypt(key, iv, block))
    litres = 10 ** power
    want = {"total_m3": count * litres / 1000, "meter_datetime": _na1_time(now),
            "historic_age_h": age, "historic_m3": round((count - delta) * litres / 1000, 6),
            "historic_datetime": _na1_time(now - 3600 * age),
            "frame_status": _NA1_FRAME[fstat], "current_status": _NA1_CURRENT[cur],
            "historic_status": _NA1_HISTORIC[hist]}
    return f, (None if key == bytes(16) else key), want



# B METERS RFM-TX1: after the short TPL header, [2:6] the reading scrambled (byte i XOR the
# access number XOR row (access & 15) of table i; BCD litres, LSB first), [13:19] the clock in
# BCD (s, min, h, day, month, year); tables as wmbusmeters' rfmtx1 description lists them
_RFM_TABLES = (
    (122, 112, 185, 121, 7, 50, 156, 180, 10, 240, 22, 12, 74, 119, 189, 57),
    (16, 19, 11, 7, 154, 161, 126, 196, 206, 5, 152, 201, 72, 46, 120, 111),
    (26, 34, 142, 74, 203, 57, 96, 128, 25, 165, 17, 125, 228, 138, 87, 40),
    (10, 19, 153, 22, 105, 14, 153, 163, 3, 134, 94, 162, 31, 232, 140, 5),
)


def _rfmtx1():
    acc = RNG.randrange(256)
    litres = RNG.randrange(10 ** 8)
    digits = _bcd_le(litres, 4)
    scrambled = bytes(digits[i] ^ acc ^ _RFM_TABLES[i][acc & 15] for i in range(4))
    t = datetime.datetime(RNG.randrange(2001, 2060), RNG.randrange(1, 13),
                          RNG.randrange(1, 29), RNG.randrange(24), RNG.randrange(60),
                          RNG.randrange(60))
    clock = b"".join(_bcd_le(v, 1) for v in (t.second, t.minute, t.hour, t.day, t.month,
                                               t.year - 2000))
    pay = bytes(RNG.randrange(256) for _ in range(2)) + scrambled + \
        bytes(RNG.randrange(256) for _ in range(7)) + clock + \
        bytes(RNG.randrange(256) for _ in range(RNG.randrange(0, 40)))
    tpl = bytes((acc, 0x00, 0x06, 0x10))
    want = {"total_m3": litres / 1000, "meter_datetime": t.strftime("%Y-%m-%d %H:%M")}
    return _frame("BMT", _id(), 0x05, 0x07, 0x7A, tpl + pay), None, want


def _des_cbc(key, data):
    """DES-CBC, zero IV (EN 13757-3:2004 security mode 2): 3DES with K1 = K2 = K3 is DES."""
    enc = Cipher(_TripleDES(key * 3), modes.CBC(bytes(8))).encryptor()
    return enc.update(data) + enc.finalize()


def _actislink():
    # standard records in any order behind 2F2F, 2F-padded to 16-byte units, DES-CBC with
    # the meter's 64-bit key; CW: mode 2, the number of 16-byte units in bits 4-7
    total, target = RNG.randrange(1 << 31), RNG.randrange(1 << 31)
    y, m, d = RNG.randrange(0, 60), RNG.randrange(1, 13), RNG.randrange(1, 29)
    dt, dt_text = _datetime_f()
    recs = [b"\x04\x13" + struct.pack("<I", total), b"\x44\x13" + struct.pack("<I", target),
            b"\x42\x6C" + _type_g(y, m, d), b"\x04\x6D" + dt]
    RNG.shuffle(recs)
    plain = b"\x2F\x2F" + b"".join(recs)
    plain += b"\x2F" * (-len(plain) % 16)
    key = bytes(RNG.randrange(256) for _ in range(8))
    tpl = bytes((RNG.randrange(256), 0x00)) + struct.pack("<H", 0x0200 | len(plain) // 16 << 4)
    want = {"total_m3": total / 1000, "target_m3": target / 1000,
            "target_date": "%04d-%02d-%02d" % (2000 + y, m, d), "meter_datetime": dt_text}
    return _frame("ALK", _id(), 0x04, 0x07, 0x7A, tpl + _des_cbc(key, plain)), key, want


# Kamstrup compact frames (CI 0x79 behind the ELL header: format signature, data check, the
# record data only) whose formats the meter's driver declares (wmbusmeters' kamwater
# examples): the volume records get new values; the payload CRC is recomputed and the frame
# encrypted as the meter sends it
KAMSTRUP_COMPACT = (
    "23442D2C998734761B168D2087D19EAD217F1779EDA86AB6710008190000081900007F13",
    "21442D2C776655441B168D2079CC8C3A20F4307912C40DFF00002F4E00003D010203",
    "3244372C763081233C168D2057D2ED11205A8179050954800008000000000000000008900008F0FFC12B0A1B"
    "23001F0F000013",
)
_DATA_LEN = {0: 0, 1: 1, 2: 2, 3: 3, 4: 4, 5: 4, 6: 6, 7: 8, 9: 1, 10: 2, 11: 3, 12: 4, 14: 6}


def _format_walk(fmt):
    """(DIF, first VIF, storage, data length) per record of a DIF/VIF format (EN 13757-3)."""
    out, i = [], 0
    while i < len(fmt):
        dif = fmt[i]
        storage, i = dif >> 6 & 1, i + 1
        k = 0
        while fmt[i - 1] & 0x80:                    # DIFEs: storage bits 1, 5, 9, ...
            storage |= (fmt[i] & 0x0F) << (1 + 4 * k)
            i, k = i + 1, k + 1
        vif = fmt[i]
        vife = fmt[i + 1] if vif & 0x80 else None
        i += 1
        while fmt[i - 1] & 0x80:                    # VIFEs
            i += 1
        out.append((dif, vif, vife, storage, _DATA_LEN[dif & 0x0F]))
    return out


# Kamstrup info codes (VIF FF 20, 16 bits): bits 0-3 DRY, REVERSE, LEAK, BURST; bits 4-6,
# 7-9, 10-12, 13-15 how long each lasted; flowIQ error flags (VIF FF 23, 32 bits) add
# TAMPER, LOW_BATTERY, LOW_ABIENT_TEMPERATURE, FLOW_ABOVE_Q4 (bits 4-7) and NO_CONSUMPTION
# (bit 9); other bits print as ERROR_FLAGS_<hex> (wmbusmeters' kamwater description)
_KAM_BITS = ("DRY", "REVERSE", "LEAK", "BURST", "TAMPER", "LOW_BATTERY",
             "LOW_ABIENT_TEMPERATURE", "FLOW_ABOVE_Q4", None, "NO_CONSUMPTION")
_KAM_TIME = ("", "1-8 hours", "9-24 hours", "2-3 days", "4-7 days", "8-14 days",
             "15-21 days", "22-31 days")


def _kam_info(want):
    v = RNG.randrange(1 << 16) if RNG.random() < 0.7 else 0
    names = [_KAM_BITS[b] for b in range(4) if v >> b & 1]
    want["status"] = " ".join(sorted(names)) or "OK"
    want["current_status"] = " ".join(names)
    for k, what in enumerate(("dry", "reversed", "leaking", "bursting")):
        want["time_" + what] = _KAM_TIME[v >> (4 + 3 * k) & 7]
    return struct.pack("<H", v)


def _kam_errors(want):
    v = RNG.choice((0, 1 << RNG.randrange(32), RNG.randrange(1 << 32)))
    names = [_KAM_BITS[b] for b in range(10) if v >> b & 1 and _KAM_BITS[b]]
    rest = v & ~sum(1 << b for b in range(10) if _KAM_BITS[b])
    if rest:
        names.append("ERROR_FLAGS_%X" % rest)
    want["status"] = " ".join(sorted(names)) or "OK"
    return struct.pack("<I", v)


def _kamstrup_compact():
    from wmbus import drivers
    f = bytearray(bytes.fromhex(RNG.choice(KAMSTRUP_COMPACT)))
    sig = f[20] | f[21] << 8
    fmt = drivers.load("kamwater").format_for(sig)
    want, p = {}, 24
    for dif, vif, vife, storage, n in _format_walk(fmt):
        if dif & 0x30 == 0 and vif == 0x13 and n == 4 and storage in (0, 1):
            v = RNG.randrange(1 << 31)
            f[p:p + 4] = struct.pack("<I", v)
            want["total_m3" if storage == 0 else "target_m3"] = v / 1000
        elif vif == 0xFF and vife == 0x20 and n == 2:
            f[p:p + 2] = _kam_info(want)
        elif vif == 0xFF and vife == 0x23 and n == 4:
            f[p:p + 4] = _kam_errors(want)
        p += n
    assert p == len(f) and want
    f[17:19] = struct.pack("<H", crc16(bytes(f[19:])))
    key = bytes(RNG.randrange(256) for _ in range(16))
    return _ell_encrypt(bytes(f), key), key, want


# standard OMS records (EN 13757-3 meaning: storage 0 the current value, storage 1 the value
# at the set date and that date), in random order, for the drivers that read only those
def _oms(names, m, version, dtype, vif, scale):
    now, at_set = RNG.randrange(1 << 23), RNG.randrange(1 << 23)
    y, mo, d = RNG.randrange(0, 60), RNG.randrange(1, 13), RNG.randrange(1, 29)
    dt, dt_text = _datetime_f()
    recs = [bytes((0x03, vif)) + struct.pack("<I", now)[:3],
            bytes((0x43, vif)) + struct.pack("<I", at_set)[:3],
            b"\x42\x6C" + _type_g(y, mo, d), b"\x04\x6D" + dt]
    RNG.shuffle(recs)
    f, key = _build(m, version, dtype, b"".join(recs))
    cur, prev, date, clock = names
    return f, key, {cur: now * scale, prev: at_set * scale, clock: dt_text,
                    date: "%04d-%02d-%02d" % (2000 + y, mo, d)}


def _dmehca():
    return _oms(("current_hca", "previous_hca", "set_date", "device_datetime"), "DME",
                RNG.choice((0x80, 0x81)), 0x08, 0x6E, 1)


def _oms_hca():
    return _oms(("current_consumption_hca", "consumption_at_set_date_hca", "set_date",
                  "device_datetime"), "XYZ", 0x01, 0x08, 0x6E, 1)


def _oms_water():
    return _oms(("total_m3", "target_m3", "target_date", "meter_datetime"), "XYZ", 0x01, 0x07,
                0x13, 1 / 1000)


# makers' error-flag names (VIF FD 17) as wmbusmeters' driver descriptions list them
# (drivers/src/minomess.xmq, waterstarm.xmq, engelmann_faw.xmq), copied here from there
# so that the drivers' own tables are checked against them
ERROR_FLAG_NAMES = {
    "minomess": (0x02, "ZRI", 0x00, 0x07, {
        0x8000: "WAS_REMOVED", 0x4000: "WAS_TAMPERED", 0x2000: "WAS_LEAKING",
        0x1000: "TEMPORARY_ERROR", 0x0800: "PERMANENT_ERROR", 0x0400: "BATTERY_EOL",
        0x0200: "ABNORMAL_ERROR", 0x0080: "BURSTING", 0x0040: "REMOVED", 0x0020: "LEAKING",
        0x0010: "WAS_BACKFLOWING", 0x0008: "BACKFLOWING", 0x0004: "WAS_BLOCKED",
        0x0002: "UNDERSIZED", 0x0001: "OVERSIZED"}),
    "waterstarm": (0x02, "DWZ", 0x02, 0x07, {
        0x01: "SW_ERROR", 0x02: "CRC_ERROR", 0x04: "SENSOR_ERROR", 0x08: "MEASUREMENT_ERROR",
        0x10: "BATTERY_VOLTAGE_ERROR", 0x20: "MANIPULATION", 0x40: "LEAKAGE_OR_NO_USAGE",
        0x80: "REVERSE_FLOW", 0x100: "OVERLOAD"}),
    "engelmann_faw": (0x01, "EFE", 0x00, 0x07, {
        0x01: "VOLUME_DETECTION_COILS_DEFECT", 0x02: "RESET", 0x04: "CRC_ERROR",
        0x08: "REMOVAL_DETECTED", 0x10: "MAGNETIC_MANIPULATION", 0x20: "LEAKAGE",
        0x40: "BLOCKED", 0x80: "REVERSE_FLOW"}),
}


def _error_flags(driver):
    dif, m, ver, typ, names = ERROR_FLAG_NAMES[driver]
    bits = [b for b in names if RNG.random() < 0.3]
    flags = sum(bits)
    total = RNG.randrange(1 << 31)
    recs = [b"\x04\x13" + struct.pack("<I", total),
            bytes((dif, 0xFD, 0x17)) + flags.to_bytes(dif if dif < 3 else 4, "little")]
    RNG.shuffle(recs)
    f, key = _build(m, ver, typ, b"".join(recs))
    status = " ".join(sorted(names[b] for b in bits)) or "OK"
    return f, key, {"total_m3": total / 1000, "status": status}


MAKES = {"zenner0b": _zenner0b, "apator162": _apator162, "apator172": _apator172,
         "apatoreitn": _apatoreitn, "bfw240radio": _bfw240radio, "mkradio3": _mkradio3,
         "fhkvdataiii": _fhkvdataiii, "kamwater": _kamwater, "mkradio3a": _mkradio3a,
         "mkradio4": _mkradio4, "apator08": _apator08, "apatoreitn40": _apatoreitn40,
         "izar": _izar, "hydrodigit": _hydrodigit, "qwater": _qwater,
         "hydroclima": _hydroclima, "hydroclimav2": _hydroclimav2, "apatorna1": _apatorna1,
         "rfmtx1": _rfmtx1, "izarv2": _izarv2, "actislink": _actislink,
         "kamwater compact": _kamstrup_compact, "dmehca": _dmehca, "oms-hca": _oms_hca,
         "oms-water": _oms_water,
         "minomess flags": lambda: _error_flags("minomess"),
         "waterstarm flags": lambda: _error_flags("waterstarm"),
         "engelmann_faw flags": lambda: _error_flags("engelmann_faw")}

# a variant kind of another make's driver
LABELS = {"kamwater compact": "kamwater", "minomess flags": "minomess",
          "waterstarm flags": "waterstarm", "engelmann_faw flags": "engelmann_faw"}


def driver_of(make):
    return LABELS.get(make, make)


def _close(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return a is not None and b is not None and abs(a - b) < 1e-9 * max(1, abs(b))
    return a == b


def test_manufacturer_layout_variants():
    bad, counts = [], {}
    for make, build in MAKES.items():
        ok = 0
        for _ in range(N):
            frame, key, want = build()
            d = Decoder()
            if key is not None:
                d.keys["*"] = key
            try:
                got = d.decode(frame, driver=driver_of(make))
            except WMBusError as e:
                bad.append((make, frame.hex(), str(e)))
                continue
            diffs = [(k, got.get(k, "<missing>"), v) for k, v in want.items()
                     if not _close(got.get(k, "<missing>"), v)]
            if diffs:
                bad.append((make, frame.hex(), diffs[:3]))
            else:
                ok += 1
        counts[make] = "%d/%d" % (ok, N)
    print("manufacturer-layout variants passed:", counts)
    assert not bad, "\n".join(str(b) for b in bad[:10])
