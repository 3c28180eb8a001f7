"""Link, extended-link, authentication-fragmentation and transport layers (EN 13757-4/-7,
OMS Vol. 2): from a frame to a Telegram with header facts and the plaintext application
payload. Security: ELL AES-128-CTR, TPL mode 5 (AES-128-CBC, IV from M, A, access number)
and mode 7 (AES-128-CBC, zero IV, key from the AES-CMAC KDF over the AFL message counter).
"""
from . import aes
from .crc import crc16
from .errors import CRC, MALFORMED, NO_KEY, UNSUPPORTED, WRONG_KEY, WMBusError

try:
    from micropython import const
except ImportError:             # CPython
    def const(x):
        return x

# CI fields (compile-time constants on MicroPython: no module globals, no qstrs)
_CI_TPL_LONG = const(0x72)
_CI_TPL_SHORT = const(0x7A)
_CI_TPL_LONG_COMPACT = const(0x73)     # long header, compact frame follows (EN 13757-7)
_CI_TPL_SHORT_COMPACT = const(0x7B)    # short header, compact frame follows
_CI_TPL_NONE = const(0x78)
_CI_COMPACT = const(0x79)
_CI_ELL_I = const(0x8C)
_CI_ELL_II = const(0x8D)
_CI_ELL_III = const(0x8E)
_CI_ELL_IV = const(0x8F)
_CI_AFL = const(0x90)
CI_COMPACT = _CI_COMPACT        # for the decoder
COMPACT_CIS = (_CI_COMPACT, _CI_TPL_LONG_COMPACT, _CI_TPL_SHORT_COMPACT)
_2F2F = b"\x2f\x2f"


_MFCT = {}


def manufacturer_code(m):
    """16-bit M-field -> 3-letter FLAG code (EN 62056-21); cached (a site has few brands)."""
    c = _MFCT.get(m)
    if c is None:
        c = chr(((m >> 10) & 0x1F) + 64) + chr(((m >> 5) & 0x1F) + 64) + chr((m & 0x1F) + 64)
        if len(_MFCT) < 64:
            _MFCT[m] = c
    return c


def manufacturer_field(code):
    c = code.upper()
    return ((ord(c[0]) - 64) << 10) | ((ord(c[1]) - 64) << 5) | (ord(c[2]) - 64)


def _key(t, key):
    """key is 16 bytes, None, or a dict {meter id text: key} looked up by the TPL id, the DLL
    id, then "*"."""
    if key is None or isinstance(key, (bytes, bytearray)):
        return key
    k = key.get(t.id)
    if k is None and t.dll_id != t.id:
        k = key.get(t.dll_id)
    if k is None:
        k = key.get("*")        # one key for every meter (`fordel decode --key`)
    return k


def aes_key(t, key, what):
    """The meter's key for an AES-128 decryption (`what`: security mode 5, ELL...);
    WRONG_KEY naming the meter when it is coded with a key of another length (DES)."""
    if len(key) != 16:
        raise WMBusError("%s needs a 128-bit AES key, the meter's key has %d bytes"
                         % (what, len(key)), t.id, WRONG_KEY)
    return key


def _id_text(b, off):
    # one int formatted: no tuple of four bytes per telegram
    return "%08x" % (b[off + 3] << 24 | b[off + 2] << 16 | b[off + 1] << 8 | b[off])


class Telegram:
    """Header facts of one decoded telegram and its application payload.

    frame        the frame without DLL CRCs (bytes)
    c, m, manufacturer, id, version, device_type   DLL (or wired M-Bus) header
    tpl_*        transport layer header; id/manufacturer/version/device_type are taken from a
                 long TPL header when present (the meter behind a radio converter)
    ci           CI of the application data (0x72/0x7A/0x78/0x79 or manufacturer's 0xA0...)
    ci_chain     every CI followed, e.g. 8C 90 7A (bytearray; the first n_ci are valid)
    payload      the plaintext application data (bytes), records start at `pos`
    security     TPL security mode, ell_encrypted, decrypted (True if AES was applied)
    """

    # a decrypted payload is written here, once per telegram, instead of into new bytes
    BUF = 264                 # the longest frame: wired M-Bus, L = 255, + 6 header bytes

    def __init__(self):
        self._chain = bytearray(8)
        self.buf = bytearray(self.BUF)
        self._bmv = memoryview(self.buf)
        self._iv = bytearray(16)
        self.key = None
        self.reset(b"")

    def reset(self, frame):
        self.frame = frame
        self.wired = False
        self.c = 0
        self.m = 0
        self.manufacturer = ""
        self.id = ""
        self.version = 0
        self.device_type = 0
        self.dll_id = ""
        self.ci = -1
        self.ci_chain = bytearray(0) if frame == b"" else self._chain
        self.n_ci = 0
        self.ell_cc = -1
        self.ell_acc = -1
        self.ell_sn = -1
        self.afl_mcr = -1
        self.tpl_acc = -1
        self.tpl_status = 0
        self.tpl_cw = 0
        self.security = 0
        self.ell_encrypted = False
        self.decrypted = False
        self.payload = b""
        self.pos = 0
        self.end = 0

    def as_dict(self):
        return {"manufacturer": self.manufacturer, "id": self.id, "version": self.version,
                "device_type": self.device_type, "ci": self.ci}


def normalise_frame(frame, frame_format="auto"):
    """A wireless frame with or without DLL CRCs -> frame without CRCs.
    frame_format: "auto" (no CRCs if the length says so, else format A with CRCs; a format-B
    frame longer than 130 bytes whose two CRCs check out is stripped), "A", "B",
    or "none" (CRCs already removed, as dongles deliver)."""
    n = len(frame)
    if n < 11:
        raise WMBusError("frame too short (%d bytes)" % n)
    if n == frame[0] + 1 and frame_format != "A" and frame_format != "B" and \
            (n <= 130 or frame_format == "none"):
        return frame        # what radio modules deliver: no CRCs, the length says so
    from .rawframe import normalise
    return normalise(frame, frame_format)


# Diehl group radio meters (Diehl, EWT, Hydrometer, Sappel, Sontex?) sending standard OMS
# telegrams in security mode 5 without a key of their own use the published PRIOS default
# key 51728910E66D83F8 twice (as wmbusmeters does).
_DIEHL = ("DME", "EWT", "HYD", "SAP", "SPL")
_DIEHL_M = tuple(manufacturer_field(m) for m in _DIEHL)    # their M-field values
_SAP_M = manufacturer_field("SAP")
_DIEHL_KEY = b"\x51\x72\x89\x10\xE6\x6D\x83\xF8" * 2


def _diehl_default_key(t):
    f = t.frame
    if t.wired or len(f) < 15 or f[1] not in (0x44, 0x46) or \
            manufacturer_code(f[2] | f[3] << 8) not in _DIEHL:
        return None
    ci = f[10]
    if ci == 0x71 or 0xA0 <= ci <= 0xB7:
        return None                 # Diehl's own frame formats (real data, PRIOS)
    if ci == 0x7A and f[14] & 0x10:
        return None                 # "real data" (LFSR scrambled), not OMS
    return _DIEHL_KEY


def mode5_iv(t, acc, tpl_pos=0):
    """The security-mode-5 IV, M‖A‖ACC×8, in the telegram's preallocated 16 bytes: M and A
    from the DLL header, or with a long TPL header (tpl_pos: just after its ACC, STS and
    CW) from that header. Drivers with their own AES blocks use it too."""
    f = t.frame
    iv = t._iv
    if tpl_pos:
        p = tpl_pos
        iv[0:2] = f[p - 8:p - 6]            # TPL M
        iv[2:6] = f[p - 12:p - 8]           # TPL id
        iv[6] = f[p - 6]                    # version
        iv[7] = f[p - 5]                    # device type
    else:
        iv[0:8] = f[2:10]
    for i in range(8, 16):
        iv[i] = acc
    return iv


def key_for(t):
    """The key the telegram being parsed was given for its meter (drivers with their own
    encryption ask for it), or None."""
    return _key(t, t.key)


def parse(t, frame, key=None, frame_format="auto"):
    """Fill Telegram t from frame (bytes). key: 16 bytes or None."""
    t.key = key                 # (reset() leaves it) for drivers with their own AES
    if len(frame) >= 4 and frame[0] == 0x68 and frame[3] == 0x68:
        from .rawframe import parse_wired
        parse_wired(t, frame)
        return _transport(t, key, 6)
    frame = normalise_frame(frame, frame_format)
    t.reset(frame)
    t.c = frame[1]
    t.m = frame[2] | frame[3] << 8
    t.manufacturer = manufacturer_code(t.m)
    t.id = t.dll_id = _id_text(frame, 4)
    t.version = frame[8]
    t.device_type = frame[9]
    t.end = len(frame)
    if t.m in _DIEHL_M and len(frame) >= 15:
        _diehl_address(t, frame)
    return _transport(t, key, 10)


def diehl_swapped(f):
    """True for a Diehl-group radio frame whose A-field is version, type, then the 4 id bytes
    (PRIOS, real data; see _diehl_address)."""
    m = f[2] | f[3] << 8 if len(f) >= 15 else 0      # (ints: nothing allocated per frame)
    if m not in _DIEHL_M or (f[1] != 0x44 and f[1] != 0x46):
        return False
    ci = f[10]
    return (0xA0 <= ci <= 0xA7 and m != _SAP_M) or 0xB1 <= ci <= 0xB3 or ci == 0x71 or \
        (ci == 0x7A and bool(f[14] & 0x10))


def meter_id(f):
    """The printed meter id of a frame (L-field first) as an int whose hex digits are the id,
    read where the meter puts it (Diehl's own frames: A-field bytes 2-5); -1 if too short."""
    if len(f) < 10:
        return -1
    o = 6 if diehl_swapped(f) else 4
    return f[o] | f[o + 1] << 8 | f[o + 2] << 16 | f[o + 3] << 24


def _diehl_address(t, f):
    """Diehl radio frames that are not OMS code the A-field their own way: PRIOS (CI
    0xA0-0xA7 but Sappel, 0xB1-0xB3) and "real data" (CI 0x71, or 0x7A with configuration
    bit 12) send version, type, then the 4 id bytes; Sappel PRIOS frames use version and
    type for the serial number, and are water meters (version 0, type 7)."""
    ci = f[10]
    if diehl_swapped(f):
        t.version = f[4]
        t.device_type = f[5]
        t.id = _id_text(f, 6)
    elif 0xA0 <= ci <= 0xA7:
        t.version = 0x00
        t.device_type = 0x07


def _transport(t, key, pos):
    f = t.frame
    end = t.end
    while True:
        if pos >= end:
            raise WMBusError("frame ends before the CI field", t.id)
        ci = f[pos]
        if t.n_ci < 8:
            t.ci_chain[t.n_ci] = ci
        t.n_ci += 1
        if ci == _CI_ELL_I or ci == _CI_ELL_III:
            pos += 3 if ci == _CI_ELL_I else 11
            if pos > end:
                raise WMBusError("truncated ELL header", t.id)
            t.ell_cc = f[pos - (2 if ci == _CI_ELL_I else 10)]
            continue
        if ci == _CI_ELL_II or ci == _CI_ELL_IV:
            h = pos + 1
            t.ell_cc = f[h]
            t.ell_acc = f[h + 1] if h + 1 < end else 0
            sn_at = h + 2 if ci == _CI_ELL_II else h + 10
            if sn_at + 6 > end:
                raise WMBusError("truncated ELL header", t.id)
            sn = f[sn_at] | f[sn_at + 1] << 8 | f[sn_at + 2] << 16 | f[sn_at + 3] << 24
            t.ell_sn = sn
            body = sn_at + 4                    # payload CRC (2) + rest
            if (sn >> 29) & 7 == 1:
                t.ell_encrypted = True
                f = _ell_decrypt(t, f, key, sn_at, body, end)
            else:
                _check_payload_crc(t, f, body, end)
            pos = body + 2
            continue
        if ci == _CI_AFL:
            if pos + 1 >= end:
                raise WMBusError("truncated AFL", t.id)
            afl_len = f[pos + 1]
            _afl(t, f, pos + 2, pos + 2 + afl_len)
            pos += 2 + afl_len
            continue
        break
    t.ci = ci
    pos += 1
    if ci == _CI_TPL_LONG or ci == _CI_TPL_LONG_COMPACT:
        if pos + 12 > end:
            raise WMBusError("truncated long TPL header", t.id)
        t.id = _id_text(f, pos)
        t.m = f[pos + 4] | f[pos + 5] << 8
        t.manufacturer = manufacturer_code(t.m)
        t.version = f[pos + 6]
        t.device_type = f[pos + 7]
        if t.wired:
            t.dll_id = t.id
        pos += 8
        return _tpl_security(t, f, key, pos, end, True)
    if ci == _CI_TPL_SHORT or ci == _CI_TPL_SHORT_COMPACT:
        if pos + 4 > end:
            raise WMBusError("truncated short TPL header", t.id)
        return _tpl_security(t, f, key, pos, end, False)
    if ci == _CI_TPL_NONE or ci == _CI_COMPACT or (0xA0 <= ci <= 0xB7):
        t.payload = f
        t.pos = pos
        t.end = end
        return t
    raise WMBusError("unknown CI field 0x%02X" % ci, t.id, UNSUPPORTED)


def _check_payload_crc(t, f, body, end):
    if body + 2 > end:
        raise WMBusError("truncated ELL payload CRC", t.id)
    want = f[body] | f[body + 1] << 8
    if crc16(f, body + 2, end) != want:
        raise WMBusError("ELL payload CRC error", t.id, CRC)


def _ell_decrypt(t, f, key, sn_at, body, end):
    # plaintext given (a dongle or a capture that already decrypted it): its CRC checks out
    if body + 2 <= end and crc16(f, body + 2, end) == (f[body] | f[body + 1] << 8):
        return f
    key = _key(t, key)
    if key is None:
        raise WMBusError("encrypted (ELL AES-CTR) and no key", t.id, NO_KEY)
    aes_key(t, key, "ELL AES-CTR")
    iv = bytearray(16)
    iv[0:2] = f[2:4]
    iv[2:8] = f[4:10]
    iv[8] = t.ell_cc & ~0x12 & 0xFF
    iv[9:13] = f[sn_at:sn_at + 4]
    plain = aes.ctr_crypt(key, iv, f[body:end])
    out = bytearray(f[:body])
    out += plain
    if crc16(out, body + 2, end) != (out[body] | out[body + 1] << 8):
        raise WMBusError("wrong key: ELL payload CRC does not match after decryption", t.id,
                         WRONG_KEY)
    t.decrypted = True
    t.frame = out
    return out


def _afl(t, f, p, end):
    if end > t.end or p + 2 > end:
        raise WMBusError("truncated AFL", t.id)
    fcl = f[p] | f[p + 1] << 8
    p += 2
    mcl = 0
    if fcl & 0x2000:                 # message control present
        mcl = f[p]
        p += 1
    if fcl & 0x0200:                 # key information present
        p += 2
    if fcl & 0x0800:                 # message counter present
        if p + 4 > end:
            raise WMBusError("truncated AFL message counter", t.id)
        t.afl_mcr = f[p] | f[p + 1] << 8 | f[p + 2] << 16 | f[p + 3] << 24
        p += 4
    if p > end:
        raise WMBusError("truncated AFL", t.id)
    t.afl_mcl = mcl


def _tpl_security(t, f, key, pos, end, long_header):
    acc = f[pos]
    t.tpl_acc = acc
    t.tpl_status = f[pos + 1]
    cw = f[pos + 2] | f[pos + 3] << 8
    t.tpl_cw = cw
    pos += 4
    mode = (cw >> 8) & 0x1F
    t.security = mode
    if mode == 0:
        t.payload, t.pos, t.end = f, pos, end
        return t
    if mode == 7:
        pos += 1                     # configuration field extension
    nblocks = (cw >> 4) & 0x0F
    elen = 16 * nblocks
    if mode not in (5, 7):
        # modes 8-10 (CTR/GCM/CCM) are not sent by allocators or water meters; other values
        # are manufacturers' reuse of the bits: decode as plaintext, as wmbusmeters does
        if mode == 2:
            return _des_mode2(t, f, key, pos, end, elen)
        if 8 <= mode <= 10 or mode == 3:
            raise WMBusError("unsupported TPL security mode %d" % mode, t.id, UNSUPPORTED)
        t.payload, t.pos, t.end = f, pos, end
        return t
    if pos + elen > end:
        raise WMBusError("truncated: %d encrypted bytes announced, %d present"
                         % (elen, end - pos), t.id)
    if elen == 0 or (f[pos] == 0x2F and f[pos + 1] == 0x2F):
        # plaintext given (already decrypted) or nothing encrypted
        t.payload, t.pos, t.end = f, pos, end
        return t
    key = _key(t, key)
    if key is None and mode == 5:
        key = _diehl_default_key(t)
    if key is None:
        raise WMBusError("encrypted (security mode %d) and no key" % mode, t.id, NO_KEY)
    if len(key) != 16:
        aes_key(t, key, "security mode %d" % mode)
    if mode == 5:
        iv = mode5_iv(t, acc, pos if long_header else 0)
        k = key
    else:
        if t.afl_mcr < 0:
            raise WMBusError("security mode 7 without an AFL message counter", t.id,
                             UNSUPPORTED)
        msg = bytearray(16)
        msg[0] = 0x00
        mcr = t.afl_mcr
        msg[1], msg[2] = mcr & 0xFF, (mcr >> 8) & 0xFF
        msg[3], msg[4] = (mcr >> 16) & 0xFF, mcr >> 24
        msg[5:9] = f[4:8]
        for i in range(9, 16):
            msg[i] = 0x07
        k = aes.cmac(key, msg)
        iv = t._iv
        for i in range(16):
            iv[i] = 0
    # plaintext into the telegram's buffer: header and unencrypted tail copied byte by
    # byte, the encrypted blocks decrypted straight into place (no per-telegram bytes)
    out = t.buf
    if end > len(out):
        out = t.buf = bytearray(end)
        t._bmv = memoryview(out)
    for i in range(pos):
        out[i] = f[i]
    for i in range(pos + elen, end):
        out[i] = f[i]
    src = f if isinstance(f, memoryview) else memoryview(f)
    aes.cbc_decrypt_into(k, iv, src[pos:pos + elen], t._bmv[pos:pos + elen])
    if out[pos] != 0x2F or out[pos + 1] != 0x2F:
        raise WMBusError("wrong key: decrypted payload does not start with 2F2F", t.id,
                         WRONG_KEY)
    t.payload, t.pos, t.end = out, pos, end
    t.decrypted = True
    return t


def _des_mode2(t, f, key, pos, end, elen):
    """Security mode 2 (EN 13757-3:2004): DES-CBC, zero IV, a 64-bit key (ActisLink)."""
    if elen == 0:
        elen = (end - pos) & ~7
    if pos + elen > end:
        raise WMBusError("truncated: %d encrypted bytes announced, %d present"
                         % (elen, end - pos), t.id, MALFORMED)
    if f[pos] == 0x2F and f[pos + 1] == 0x2F:
        t.payload, t.pos, t.end = f, pos, end     # plaintext given (already decrypted)
        return t
    key = _key(t, key)
    if key is None:
        raise WMBusError("encrypted (security mode 2, DES) and no key", t.id, NO_KEY)
    if len(key) != 8:
        raise WMBusError("security mode 2 (DES) needs a 64-bit key, the meter's key has %d "
                         "bytes" % len(key), t.id, WRONG_KEY)
    from . import des
    out = bytearray(f[:pos])
    out += des.cbc_decrypt(key, bytes(8), bytes(f[pos:pos + elen]))
    out += f[pos + elen:end]
    if out[pos] != 0x2F or out[pos + 1] != 0x2F:
        raise WMBusError("wrong key: DES-decrypted payload does not start with 2F2F", t.id,
                         WRONG_KEY)
    t.payload, t.pos, t.end = out, pos, end
    t.decrypted = True
    return t
