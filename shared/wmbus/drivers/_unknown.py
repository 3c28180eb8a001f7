"""Records a driver does not understand, reported as such (never named by position):
`unknown_records` lists each data record no field of the driver takes, as
VIF code/storage/tariff/subunit/function and the data bytes (most significant first), e.g.
"013/s2/t0/u0/f0=00001234"; the manufacturer-specific tail (DIF 0F/1F) as "mfct=...".
The field is absent when every record was understood. Checking allocates nothing; only
the text of unknown records does."""
from ..driver import MFCT_DATA
from ..dv import C1, CODE, MTYPE, NCOMB, STORE, SUBUNIT, TARIFF, W


def _in(v, want):
    if isinstance(want, tuple):
        return want[0] <= v <= want[1]
    return want < 0 or v == want


def taken(fields, a, b):
    """True when one of `fields` takes the record at a[b:b+W]."""
    code = a[b + CODE]
    for f in fields:
        for lo, hi in f.ranges:
            if lo <= code <= hi:
                break
        else:
            continue
        if f.mtype >= 0 and a[b + MTYPE] != f.mtype:
            continue
        if not _in(a[b + STORE], f.storage) or not _in(a[b + TARIFF], f.tariff):
            continue
        if f.subunit >= 0 and a[b + SUBUNIT] != f.subunit:
            continue
        c = f.comb
        if (c == -1 and a[b + NCOMB]) or (c >= 0 and a[b + C1] != c):
            continue
        return True
    return False


def report(fields, rec, out, known_codes=()):
    """Add `unknown_records` to out for the records none of `fields` matches; records whose
    VIF code is in known_codes are read by the driver's own code (not unknown)."""
    a = rec.a
    parts = None
    for i in range(rec.n):
        b = i * W
        code = a[b + CODE]
        if code in known_codes or taken(fields, a, b):
            continue
        if parts is None:
            parts = []
        if code == MFCT_DATA:
            parts.append("mfct=" + "".join("%02x" % x for x in rec.bytes_of(i)))
        else:
            parts.append("%03X/s%d/t%d/u%d/f%d=%s" % (code, a[b + STORE], a[b + TARIFF],
                                                     a[b + SUBUNIT], a[b + MTYPE],
                                                     rec.hexstr(i)))
    if parts:
        out["unknown_records"] = " ".join(parts)
