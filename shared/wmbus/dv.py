"""Application layer: DIF/DIFE/VIF/VIFE data records (EN 13757-3) parsed into flat int
arrays, without allocating per record, plus the value readers drivers use.

Record i occupies ints [i*W, i*W+W) of `Records.a`:
  CODE   normalised VIF code (see vif.py)      MTYPE  function field 0 inst,1 max,2 min,3 error
  STORE  storage number   TARIFF   SUBUNIT     DTYPE  DIF data field (low nibble)
  OFF    data offset in the payload            LEN    data length in bytes
  C1 C2  first two combinable VIFEs (0x00-0x7F plain, 0x100|x after 0xFC), -1 if none
  NCOMB  number of combinable VIFEs
"""
import sys
from array import array

from .errors import WMBusError
from . import mbdate
from . import vif as _vif

try:
    from micropython import const
except ImportError:             # CPython
    def const(x):
        return x

# the ints of a record in Records.a, published for driver.py and _cpython.py (on
# MicroPython const() names are inlined here; the frozen build keeps them out of RAM)
CODE = const(0)
MTYPE = const(1)
STORE = const(2)
TARIFF = const(3)
SUBUNIT = const(4)
DTYPE = const(5)
OFF = const(6)
LEN = const(7)
C1 = const(8)
C2 = const(9)
NCOMB = const(10)
W = const(11)
_MAX_RECORDS = const(64)
_DLEN = (0, 1, 2, 3, 4, 4, 6, 8, 0, 1, 2, 3, 4, -1, 6, 0)   # by DIF data field
_MFCT_DATA = const(0x3FF)     # code of the 0x0F/0x1F manufacturer-specific data tail
_MICRO = sys.implementation.name == "micropython"


class Records:
    """Parsed data records of one telegram; reused between telegrams (preallocated)."""

    def __init__(self, max_records=_MAX_RECORDS):
        # a 16-bit array on MicroPython (2 bytes a slot; storage numbers above 32767 are
        # clamped); a list on CPython, where indexing a list is faster than an array
        self.a = array("h", range(W * max_records)) if _MICRO else [0] * (W * max_records)
        self.max = max_records
        self.n = 0
        self.data = b""
        self.fmt = bytearray(256)   # DIF/VIF bytes (compact-frame format), fmt_len used
        self._layouts = None        # CPython: (meter, start, end) -> layout (_cpython.py)
        self.fmt_len = 0

    def parse(self, data, start, end, meter=None, fmt=None, learn=False):
        """Parse records in data[start:end]. With `fmt` (the DIF/VIF bytes of an earlier full
        frame, for a compact frame) the DIF/VIFs come from fmt and only data from `data`.

        A record cut short at the end of a full frame ends the parse: the records before it
        are kept and `trailing` says what was cut (meters do send such tails); a compact
        frame that does not fit its format is an error."""
        self.trailing = None
        try:
            n = self._parse(data, start, end, meter, fmt, learn)
        except WMBusError as e:
            if fmt is not None or "truncated" not in e.reason:
                raise
            self.trailing = e.reason
            self.fmt_len = -1
            n = self.n
        return n

    def _parse(self, data, start, end, meter, fmt, learn):
        self.data = data
        self.n = 0
        a = self.a
        n = 0
        fl = 0
        keep = fmt is None and learn
        micro = _MICRO
        fbuf = self.fmt
        hdr = data if fmt is None else fmt
        hp = start if fmt is None else 0
        hend = end if fmt is None else len(fmt)
        dp = start
        while hp < hend:
            dif = hdr[hp]
            if dif == 0x2F:                       # idle filler
                hp += 1
                if fmt is None:
                    dp = hp
                continue
            if dif == 0x0F or dif == 0x1F:        # manufacturer-specific data to the end
                if n >= self.max:
                    raise WMBusError("more than %d data records" % self.max, meter)
                b = n * W
                a[b + CODE] = _MFCT_DATA
                a[b + MTYPE] = a[b + STORE] = a[b + TARIFF] = a[b + SUBUNIT] = 0
                a[b + DTYPE] = dif
                if fmt is None:
                    dp = hp + 1
                a[b + OFF] = dp
                a[b + LEN] = end - dp
                a[b + C1] = a[b + C2] = -1
                a[b + NCOMB] = 0
                n += 1
                self.n = n
                break
            rec_start = hp
            hp += 1
            storage = (dif >> 6) & 1
            tariff = 0
            subunit = 0
            ext = dif & 0x80
            shift_s, shift_t = 1, 0
            nd = 0
            while ext:
                if hp >= hend:
                    raise WMBusError("truncated DIFE", meter)
                dife = hdr[hp]
                hp += 1
                storage |= (dife & 0x0F) << shift_s
                tariff |= ((dife >> 4) & 3) << shift_t
                subunit |= ((dife >> 6) & 1) << nd
                shift_s += 4
                shift_t += 2
                nd += 1
                if nd > 10:
                    raise WMBusError("too many DIFEs", meter)
                ext = dife & 0x80
            if hp >= hend:
                raise WMBusError("truncated record: DIF without VIF", meter)
            v = hdr[hp]
            hp += 1
            c1 = c2 = -1
            ncomb = 0
            if v == 0xFD or v == 0xFB:
                if hp >= hend:
                    raise WMBusError("truncated VIF extension", meter)
                e = hdr[hp]
                hp += 1
                code = (0x100 if v == 0xFD else 0x200) | (e & 0x7F)
                ext = e & 0x80
            elif (v & 0x7F) == 0x7C:              # plain-text VIF: length + ASCII
                if hp >= hend:
                    raise WMBusError("truncated plain-text VIF", meter)
                hp += 1 + hdr[hp]
                code = 0x37C
                ext = v & 0x80
            elif (v & 0x7F) == 0x7F:
                code = 0x37F
                ext = v & 0x80
            elif (v & 0x7F) == 0x7E:
                code = 0x37E
                ext = v & 0x80
            else:
                code = v & 0x7F
                ext = v & 0x80
            while ext:
                if hp >= hend:
                    raise WMBusError("truncated VIFE", meter)
                e = hdr[hp]
                hp += 1
                ext = e & 0x80
                c = e & 0x7F
                if c == 0x7C and ext:             # 0xFC: next VIFE from the second table
                    if hp >= hend:
                        raise WMBusError("truncated VIFE", meter)
                    e = hdr[hp]
                    hp += 1
                    ext = e & 0x80
                    c = 0x100 | (e & 0x7F)
                if ncomb == 0:
                    c1 = c
                elif ncomb == 1:
                    c2 = c
                ncomb += 1
                if ncomb > 10:
                    raise WMBusError("too many VIFEs", meter)
            dt = dif & 0x0F
            if fmt is None:
                dp = hp
            if dt == 0x0D:                        # LVAR: length byte before the data
                if dp >= end:
                    raise WMBusError("truncated LVAR length", meter)
                lv = data[dp]
                dp += 1
                dlen = lvar_length(lv)
                if dlen < 0:
                    raise WMBusError("reserved LVAR length 0x%02X" % lv, meter)
            else:
                dlen = _DLEN[dt]
            if dp + dlen > end:
                raise WMBusError("truncated data record at byte %d (VIF code 0x%03X, %d bytes)"
                                 % (rec_start, code, dlen), meter)
            if n >= self.max:
                raise WMBusError("more than %d data records" % self.max, meter)
            if storage > 32767:
                storage = 32767
            if keep:
                hl = hp - rec_start
                if fl + hl <= len(fbuf):
                    fbuf[fl:fl + hl] = data[rec_start:hp]
                fl += hl
            b = n * W
            if micro:       # int array: element stores, no tuple allocated
                a[b + CODE] = code
                a[b + MTYPE] = (dif >> 4) & 3
                a[b + STORE] = storage
                a[b + TARIFF] = tariff
                a[b + SUBUNIT] = subunit
                a[b + DTYPE] = dt
                a[b + OFF] = dp
                a[b + LEN] = dlen
                a[b + C1] = c1
                a[b + C2] = c2
                a[b + NCOMB] = ncomb
            else:           # list on CPython: one slice store is faster
                a[b:b + W] = (code, (dif >> 4) & 3, storage, tariff, subunit, dt, dp, dlen,
                              c1, c2, ncomb)
            n += 1
            self.n = n
            dp += dlen
            if fmt is None:
                hp = dp
        if fmt is not None:
            while dp < end and data[dp] == 0x2F:     # AES block filler after the data
                dp += 1
        if fmt is not None and dp != end:
            raise WMBusError("compact frame data is %d bytes, its format says %d"
                             % (end - start, dp - start), meter)
        self.n = n
        self.fmt_len = fl if keep and fl <= len(fbuf) else -1
        return n

    # -- values ------------------------------------------------------------------------
    def raw(self, i):
        """The record's number as transmitted (int / float), or None for data that is not a
        number (LVAR text, dates are read with date())."""
        a = self.a
        b = i * W
        dt = a[b + DTYPE]
        off = a[b + OFF]
        ln = a[b + LEN]
        d = self.data
        if dt in (1, 2, 3, 4, 6, 7):
            v = 0
            for k in range(ln - 1, -1, -1):
                v = (v << 8) | d[off + k]
            if d[off + ln - 1] & 0x80:
                v -= 1 << (8 * ln)
            return v
        if dt == 5:
            bits = d[off] | d[off + 1] << 8 | d[off + 2] << 16 | d[off + 3] << 24
            return _f32(bits)
        if dt in (9, 10, 11, 12, 14):
            return _bcd(d, off, ln)
        if dt == 0x0D and ln:
            lv = d[off - 1]
            if 0xC0 <= lv < 0xE0:               # BCD, D0-DF negative
                v = _bcd(d, off, ln)
                return -v if lv >= 0xD0 else v
            if lv >= 0xE0:                      # binary number, little-endian
                v = 0
                for k in range(ln - 1, -1, -1):
                    v = (v << 8) | d[off + k]
                return v
        return None

    def value(self, i):
        """The record's number in its quantity's base unit (vif.py)."""
        r = self.raw(i)
        if r is None:
            return None
        return _vif.scale(self.a[i * W + CODE], r)

    def date(self, i):
        """Date or date-time text of a type G/F/I record."""
        b = i * W
        off = self.a[b + OFF]
        ln = self.a[b + LEN]
        d = self.data
        if ln == 2:
            return mbdate.type_g(d[off], d[off + 1])
        if ln == 4:
            return mbdate.type_f(d[off], d[off + 1], d[off + 2], d[off + 3])
        if ln == 6:
            return mbdate.type_i(d[off], d[off + 1], d[off + 2], d[off + 3], d[off + 4])
        return None

    def text(self, i):
        """LVAR ASCII (sent last character first) as a string."""
        b = i * W
        off = self.a[b + OFF]
        ln = self.a[b + LEN]
        d = self.data
        return "".join(chr(d[off + k]) for k in range(ln - 1, -1, -1))

    def hexstr(self, i):
        """The data bytes most significant first, as wmbusmeters prints ids/flags."""
        b = i * W
        off = self.a[b + OFF]
        ln = self.a[b + LEN]
        d = self.data
        return "".join("%02x" % d[off + k] for k in range(ln - 1, -1, -1))

    def code(self, i):
        """Record i's normalised VIF code (vif.py)."""
        return self.a[i * W + CODE]

    def offset(self, i):
        """Where record i's data starts in `data`."""
        return self.a[i * W + OFF]

    def dtype(self, i):
        """Record i's DIF data field (low nibble)."""
        return self.a[i * W + DTYPE]

    def ncomb(self, i):
        """How many combinable VIFEs record i has."""
        return self.a[i * W + NCOMB]

    def length(self, i):
        """Record i's data length in bytes."""
        return self.a[i * W + LEN]

    def readable(self, i):
        """An identity record (fabrication number, enhanced id, versions) as it is printed:
        BCD digits; LVAR or binary bytes that are all printable ASCII as text (sent last
        character first); other binary as hex digits (upper case, BCD filler nibbles as F),
        most significant first."""
        b = i * W
        dt = self.a[b + DTYPE]
        if dt == 0x0D:
            return self.text(i)
        if dt in (1, 2, 3, 4, 6, 7):
            off = self.a[b + OFF]
            d = self.data
            ascii = True
            for k in range(self.a[b + LEN]):
                if not 0x20 <= d[off + k] <= 0x7E:
                    ascii = False
                    break
            if ascii:
                return self.text(i)
        return self.hexstr(i).upper()

    def bytes_of(self, i):
        b = i * W
        off = self.a[b + OFF]
        return bytes(self.data[off:off + self.a[b + LEN]])

    def find(self, lo, hi, mtype=0, storage=0, tariff=0, subunit=0, comb=-1, start=0):
        """Index of the first record from `start` whose code is in [lo, hi] and whose other
        keys match (-1 in storage/tariff/subunit/mtype = any; comb -1 = no combinable VIFE,
        -2 = any, else that first combinable VIFE), or -1."""
        a = self.a
        for i in range(start, self.n):
            b = i * W
            c = a[b]
            if c < lo or c > hi:
                continue
            if mtype >= 0 and a[b + MTYPE] != mtype:
                continue
            if storage >= 0 and a[b + STORE] != storage:
                continue
            if tariff >= 0 and a[b + TARIFF] != tariff:
                continue
            if subunit >= 0 and a[b + SUBUNIT] != subunit:
                continue
            if comb == -1:
                if a[b + NCOMB]:
                    continue
            elif comb != -2 and a[b + C1] != comb:
                continue
            return i
        return -1


def lvar_length(lv):
    """Data bytes after an LVAR byte (EN 13757-3:2018, table 5, variable length data):
    00-BF text of LVAR characters; C0-C9 positive and D0-D9 negative BCD of (LVAR - C0/D0)
    x 2 digits, one byte per two digits; E0-EF binary of LVAR - E0 bytes; F0-F4 binary of
    4 x (LVAR - EC) bytes (16-32); F5 48 and F6 64 bytes of binary. CA-CF, DA-DF and F7-FF
    are reserved: -1."""
    if lv < 0xC0:
        return lv
    if lv < 0xE0:
        n = lv & 0x0F
        return n if n <= 9 else -1
    if lv < 0xF0:
        return lv - 0xE0
    if lv <= 0xF4:
        return 4 * (lv - 0xEC)
    if lv == 0xF5:
        return 48
    if lv == 0xF6:
        return 64
    return -1


def _bcd(d, off, ln):
    v = 0
    neg = False
    for k in range(ln - 1, -1, -1):
        x = d[off + k]
        hi = x >> 4
        if k == ln - 1 and hi == 0x0F:
            neg = True
            hi = 0
        v = v * 100 + hi * 10 + (x & 0x0F)
    return -v if neg else v


def _f32(bits):
    sign = -1.0 if bits >> 31 else 1.0
    e = (bits >> 23) & 0xFF
    m = bits & 0x7FFFFF
    if e == 0:
        return sign * m * 2.0 ** -149
    if e == 0xFF:
        return float("nan")
    return sign * (1 + m / 8388608) * 2.0 ** (e - 127)


if not _MICRO:
    # CPython: a meter's repeated layout is reused (_cpython.py); never loaded on the
    # collector
    from ._cpython import parse_cached as _parse_cached
    Records.parse_plain = Records.parse
    Records.parse = _parse_cached
