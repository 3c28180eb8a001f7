"""OMS compact profile (EN 13757-3 annex: a record whose VIFE says "compact profile"): a
spacing-control byte (bits 0-3 element size as a DIF data field, bits 4-5 spacing unit with
3 = months, bits 6-7 increment mode), a spacing byte, then the elements. In the published
telegrams the element nearest the end belongs to the first interval after the base date."""


def elements(rec, i):
    """(spacing control, spacing, [element values, last one first]) of record i, or None."""
    d = rec.data
    o = rec.offset(i)
    n = rec.length(i)
    if n < 2:
        return None
    ctrl = d[o]
    spacing = d[o + 1]
    size = (0, 1, 2, 3, 4)[ctrl & 0x0F] if (ctrl & 0x0F) <= 4 else 0
    if not size:
        return None
    vals = []
    p = o + n - size
    while p >= o + 2:
        v = 0
        for k in range(size - 1, -1, -1):
            v = v << 8 | d[p + k]
        vals.append(v)
        p -= size
    return ctrl, spacing, vals

