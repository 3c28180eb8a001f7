"""Building wireless M-Bus telegrams the way a meter does (EN 13757-4 link layer, EN 13757-3
data records, OMS Vol.2 security): the simulator's encoder, the mirror of shared/wmbus.

    frame = build(m="FDL", meter_id="12345678", version=1, device_type=0x08,
                  records=dib_vib_bytes, key=key16, mode=5, access=0x2A)
    raw = format_a(frame)            # with the DLL CRCs, as on air (frame format A)

Frames returned by `build` start with the L-field and carry no DLL CRCs (what the radio
modules hand to the host). Security:

  mode 0  plaintext after the short TPL header (CI 0x7A).
  mode 5  AES-128-CBC, IV = M(2) A(6) + 8 x access number, payload starts 2F2F and is filled
          with 2F to a whole block; the number of encrypted blocks goes in the config word.
  mode 7  ELL (CI 0x8C) + AFL (CI 0x90, message counter, 8-byte AES-CMAC) + TPL; AES-128-CBC
          with IV zero and the ephemeral key Kenc = CMAC(K, 00 | counter | id | 07 x 7)
          (OMS Vol.2 KDF, DC 00 = encryption from the meter; Kmac the same with DC 01).
"""
import struct

from cryptography.hazmat.primitives import cmac as _cmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

C_SND_NR = 0x44
CI_TPL_SHORT = 0x7A
CI_ELL_SHORT = 0x8C
CI_AFL = 0x90
FILL = 0x2F

# ---- header fields ------------------------------------------------------------------------


def manufacturer_field(code):
    """3-letter manufacturer code -> the 2-byte M-field value (EN 13757-3 / FLAG)."""
    code = code.upper()
    if len(code) != 3 or any(not "A" <= c <= "Z" for c in code):
        raise ValueError("manufacturer code %r must be 3 letters A-Z" % code)
    return (ord(code[0]) - 64) << 10 | (ord(code[1]) - 64) << 5 | (ord(code[2]) - 64)


def id_bytes(meter_id):
    """Meter id as printed (8 digits) -> 4-byte A-field id, BCD little-endian."""
    s = str(meter_id)
    if len(s) != 8 or not s.isdigit():
        raise ValueError("meter id %r must be 8 decimal digits" % (meter_id,))
    return bytes.fromhex(s)[::-1]


def address(m, meter_id, version, device_type):
    """M(2) + A(6) as on the link layer: the 8 bytes after L and C."""
    return struct.pack("<H", manufacturer_field(m)) + id_bytes(meter_id) + \
        bytes((version & 0xFF, device_type & 0xFF))


# ---- data records (EN 13757-3) ------------------------------------------------------------


def date_g(d):
    """Date type G (2 bytes): day, month, year (0..99 since 2000)."""
    y = d.year - 2000
    return struct.pack("<H", (d.day & 0x1F) | (y & 0x07) << 5 | (d.month & 0x0F) << 8 |
                       (y >> 3) << 12)


def datetime_f(t):
    """Date-time type F (4 bytes): minute, hour, day, month, year; valid, standard time."""
    y = t.year - 2000
    v = (t.minute & 0x3F) | (t.hour & 0x1F) << 8 | (t.day & 0x1F) << 16 | \
        (y & 0x07) << 21 | (t.month & 0x0F) << 24 | (y >> 3) << 28
    return struct.pack("<I", v)


def record(dif, vif, data):
    return bytes((dif, vif)) + data


def int_record(dif, vif, value):
    """DIF with a binary integer data field (0x01 8, 0x02 16, 0x03 24, 0x04 32 bit, any
    storage bits), value as unsigned little-endian."""
    n = {1: 1, 2: 2, 3: 3, 4: 4, 6: 6, 7: 8}[dif & 0x0F]
    if not 0 <= value < 1 << (8 * n):
        raise ValueError("value %d does not fit a %d-byte record" % (value, n))
    return record(dif, vif, value.to_bytes(n, "little"))


# ---- crypto -------------------------------------------------------------------------------


def aes_cbc_encrypt(key, iv, data):
    if len(data) % 16:
        raise ValueError("CBC data must be whole 16-byte blocks, got %d bytes" % len(data))
    enc = Cipher(algorithms.AES(bytes(key)), modes.CBC(bytes(iv))).encryptor()
    return enc.update(bytes(data)) + enc.finalize()


def cmac(key, data):
    """AES-CMAC (RFC 4493 / NIST SP 800-38B), 16 bytes."""
    c = _cmac.CMAC(algorithms.AES(bytes(key)))
    c.update(bytes(data))
    return c.finalize()


def kdf(key, counter, id4, dc=0x00):
    """OMS Vol.2 key derivation: CMAC(K, DC | counter(4 LE) | id(4 as in the frame) | 07 x 7).
    dc 0x00 -> Kenc (from meter), 0x01 -> Kmac (from meter)."""
    return cmac(key, bytes((dc,)) + struct.pack("<I", counter) + bytes(id4) + b"\x07" * 7)


def pad_plain(records):
    """2F2F check bytes + records, filled with 2F to whole AES blocks."""
    p = bytes((FILL, FILL)) + bytes(records)
    return p + bytes((FILL,)) * (-len(p) % 16)


# ---- frames -------------------------------------------------------------------------------


def build(m, meter_id, version, device_type, records, key=None, mode=5, access=0,
          status=0x00, counter=0, ell_cc=0x20, c_field=C_SND_NR, cw_flags=0, ell_access=None):
    """A complete wM-Bus frame (L-field first, no DLL CRCs).

    mode 0: plaintext; 5: AES-CBC-IV; 7: AES-CBC with KDF key (needs `counter`, the AFL
    message counter, which the caller increments per telegram).
    cw_flags: further config-word bits (bidirectional 0x8000, accessibility 0x4000,
    synchronous 0x2000, low nibble); ell_access: mode 7's ELL access number (default: the
    TPL one)."""
    if cw_flags & 0x1FF0:
        raise ValueError("cw_flags 0x%04X overlap the mode / block-count bits" % cw_flags)
    head = bytes((c_field,)) + address(m, meter_id, version, device_type)
    access &= 0xFF
    if mode == 0:
        body = bytes((CI_TPL_SHORT, access, status)) + struct.pack("<H", cw_flags) + \
            bytes(records)
    elif mode == 5:
        if key is None or len(key) != 16:
            raise ValueError("security mode 5 needs a 16-byte key")
        plain = pad_plain(records)
        nblocks = len(plain) // 16
        if nblocks > 15:
            raise ValueError("too many records: %d blocks (max 15)" % nblocks)
        iv = head[1:9] + bytes((access,)) * 8
        cw = 0x0500 | nblocks << 4 | cw_flags
        body = bytes((CI_TPL_SHORT, access, status)) + struct.pack("<H", cw) + \
            aes_cbc_encrypt(key, iv, plain)
    elif mode == 7:
        if key is None or len(key) != 16:
            raise ValueError("security mode 7 needs a 16-byte key")
        plain = pad_plain(records)
        nblocks = len(plain) // 16
        if nblocks > 15:
            raise ValueError("too many records: %d blocks (max 15)" % nblocks)
        id4 = head[3:7]
        kenc = kdf(key, counter, id4, 0x00)
        kmac = kdf(key, counter, id4, 0x01)
        cw = 0x0700 | nblocks << 4 | cw_flags
        tpl = bytes((CI_TPL_SHORT, access, status)) + struct.pack("<H", cw) + b"\x10" + \
            aes_cbc_encrypt(kenc, bytes(16), plain)
        mcl = 0x25                                  # message counter present, CMAC 8 bytes
        mcr = struct.pack("<I", counter & 0xFFFFFFFF)
        mac = cmac(kmac, bytes((mcl,)) + mcr + tpl)[:8]
        fcl = 0x2C00                                # MCL, MCR, MAC present; last fragment
        afl = struct.pack("<H", fcl) + bytes((mcl,)) + mcr + mac
        ell_acc = access if ell_access is None else ell_access & 0xFF
        body = bytes((CI_ELL_SHORT, ell_cc, ell_acc, CI_AFL, len(afl))) + afl + tpl
    else:
        raise ValueError("security mode %r not simulated (0, 5 or 7)" % (mode,))
    frame = head + body
    if len(frame) > 255:
        raise ValueError("frame of %d bytes does not fit the L-field" % len(frame))
    return bytes((len(frame),)) + frame


# ---- DLL CRCs (frame format A) ------------------------------------------------------------


def crc16_en13757(data):
    """CRC-16 of EN 13757-4: polynomial 0x3D65, initial 0, result complemented."""
    c = 0
    for b in data:
        c ^= b << 8
        for _ in range(8):
            c = ((c << 1) ^ 0x3D65) if c & 0x8000 else c << 1
            c &= 0xFFFF
    return c ^ 0xFFFF


def format_a(frame, bad_block=None):
    """Frame (L first, no CRCs) -> raw frame format A: first block 10 bytes + CRC, then
    16-byte blocks + CRC each (last shorter). CRCs big-endian. bad_block=i spoils block i's
    CRC (a transmission error the receiver must catch)."""
    frame = bytes(frame)
    out = bytearray()
    blocks = [frame[:10]] + [frame[i:i + 16] for i in range(10, len(frame), 16)]
    for i, blk in enumerate(blocks):
        c = crc16_en13757(blk)
        if i == bad_block:
            c ^= 0x0101
        out += blk + struct.pack(">H", c)
    return bytes(out)
