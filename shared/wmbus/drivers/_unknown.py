"""Records a driver does not understand, reported as such (never named by position):
`unknown_records` lists each data record no field of the driver took, as
VIF code/storage/tariff/subunit/function and the data bytes (most significant first), e.g.
"013/s2/t0/u0/f0=00001234"; the manufacturer-specific tail (DIF 0F/1F) as "mfct=...".
The field is absent when every record was understood."""


def report(fields, rec, out, known_codes=()):
    """Add `unknown_records` to out for the records none of `fields` matches; records whose
    VIF code is in known_codes are read by the driver's own code (not unknown)."""
    taken = set()
    for f in fields:
        for i, _ in f.matches(rec):
            taken.add(i)
    a = rec.a
    parts = []
    for i in range(rec.n):
        if i in taken:
            continue
        b = i * 11
        code = a[b]
        if code in known_codes:
            continue
        data = rec.hexstr(i)
        if code == 0x3FF:
            parts.append("mfct=" + "".join("%02x" % x for x in rec.bytes_of(i)))
        else:
            parts.append("%03X/s%d/t%d/u%d/f%d=%s" % (code, a[b + 2], a[b + 3], a[b + 4],
                                                     a[b + 1], data))
    if parts:
        out["unknown_records"] = " ".join(parts)
