"""The meter coding (målerkodning): the one definition of what a coded meter is and which
factor its readings get. The collector (firmware/coding.py) applies it and writes the factors
into every record; the settlement (fordel.settle.property) reads the same columns from
meters.csv and refuses a reading whose record factors disagree. Runs on MicroPython and
CPython; the factor formula works on float and Decimal alike.

Columns (coding.csv on the collector; meters.csv for the settlement holds the same names):

    kind        hca | hot_water | cold_water | heat
    scale       HCA only: unit (enhedsskala: the allocator counts raw divisions, KQ x KC are
                applied here) or product (produktskala: the count already holds KQ x KC)
    kq, kc      EN 834 radiator rating factor KQ and thermal coupling factor KC (HCA)
    reduction   reduction for exposed location (reduktion for udsat beliggenhed), 0..<1,
                on the units where the property puts it there; empty = 0
    multiplier  water/heat meter multiplier (pulse or register factor); empty = 1

Coded value:
    hca, unit scale     reading x KQ x KC x (1 - reduction)
    hca, product scale  reading x (1 - reduction)
    water / heat        reading x multiplier

Resolution the collector keeps (fixed point): KQ and KC in thousandths, reduction in
1/10000, multiplier in millionths; two codings that agree to that resolution agree.
"""

KINDS = ("hca", "hot_water", "cold_water", "heat")
SCALES = ("unit", "product")
COLUMNS = ("meter_id", "key", "apartment", "room", "kind", "scale", "kq", "kc",
           "reduction", "multiplier", "driver")
# the unit ending of the fields a kind's coding applies to
UNIT_SUFFIX = ("_hca", "_m3", "_m3", "_kwh")        # by KINDS index
KQ_STEP = 1000
RED_STEP = 10000
MULT_STEP = 1000000


class CodingError(Exception):
    """A coding that cannot be used; the message names the file, row and reason."""


def factor(kind, scale, kq, kc, reduction, multiplier):
    """The one multiplier a meter's readings get."""
    if kind == "hca":
        if scale == "unit":
            return kq * kc * (1 - reduction)
        return 1 - reduction
    return multiplier


def factors_used(kind, scale, kq, kc, reduction, multiplier):
    """The factors a record names (field 8), as numbers."""
    if kind == "hca":
        return {"scale": scale, "kq": float(kq), "kc": float(kc),
                "reduction": float(reduction)}
    return {"multiplier": float(multiplier)}


def pack_factors(kind_ix, scale_ix, kq_milli, kc_milli, red_step, mult_step):
    """The factors as a compact record carries them: small integers at the resolution the
    collector keeps ([scale, KQ‰, KC‰, reduction in 1/10000] for an allocator, [multiplier
    in millionths] otherwise)."""
    if kind_ix == 0:
        return [scale_ix, kq_milli, kc_milli, red_step]
    return [mult_step]


def unpack_factors(packed):
    """pack_factors' list back to the factors dict of a full record."""
    if len(packed) == 4:
        return {"scale": SCALES[packed[0]], "kq": packed[1] / KQ_STEP,
                "kc": packed[2] / KQ_STEP, "reduction": packed[3] / RED_STEP}
    if len(packed) == 1:
        return {"multiplier": packed[0] / MULT_STEP}
    raise ValueError("packed factors %r are neither an allocator's nor a multiplier" % packed)


def factor_of(factors):
    """The multiplier a record's factors dict stands for (None if it names none)."""
    if "multiplier" in factors:
        return factors["multiplier"]
    if "scale" in factors:
        return factor("hca", factors["scale"], factors.get("kq", 1), factors.get("kc", 1),
                      factors.get("reduction", 0), 1)
    return None


def disagreement(factors, kind, scale, kq, kc, reduction, multiplier):
    """'' when a record's factors agree with a coding (to the collector's resolution), else
    what differs, naming both: 'kq 1.25 in the record, 1.3 in the coding'."""
    want = factors_used(kind, scale, kq, kc, reduction, multiplier)
    steps = {"kq": KQ_STEP, "kc": KQ_STEP, "reduction": RED_STEP, "multiplier": MULT_STEP}
    out = []
    for name in want:
        got = factors.get(name)
        w = want[name]
        if name == "scale":
            same = got == w
        else:
            try:
                same = round(float(got) * steps[name]) == round(w * steps[name])
            except (TypeError, ValueError):
                same = False
        if not same:
            out.append("%s %s in the record, %s in the coding"
                       % (name, "missing" if got is None else got, w))
    extra = [k for k in factors if k not in want]
    if extra:
        out.append("the record names %s, the coding (kind %s) does not"
                   % (", ".join(sorted(extra)), kind))
    return "; ".join(out)
