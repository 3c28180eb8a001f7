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
    hca, product scale  reading as counted: KQ, KC and any reduction are already in the
                        count (seed 004: "Ved en måler med produktskala er eventuelle
                        reduktioner regnet med i antallet af de delinger")
    water / heat        reading x multiplier

Resolution the collector keeps (fixed point): KQ and KC in thousandths, reduction in
1/10000, multiplier in millionths; two codings that agree to that resolution agree.

Checking a coding file: the collector checks coding.csv with parse_row/check_file at boot
(firmware/coding_csv.py) and `fordel provision` checks the same file with them on the
laptop before it is pushed, so a file the laptop accepts is one the collector accepts:

    meter_id,key,apartment,room,kind,scale,kq,kc,reduction,multiplier,driver
    12345678,0123456789ABCDEF0123456789ABCDEF,3.tv,stue,hca,unit,1.25,0.95,0.10,,qcaloric
"""
import binascii

KINDS = ("hca", "hot_water", "cold_water", "heat")
SCALES = ("unit", "product")
COLUMNS = ("meter_id", "key", "apartment", "room", "kind", "scale", "kq", "kc",
           "reduction", "multiplier", "driver")
# the unit ending of the fields a kind's coding applies to
UNIT_SUFFIX = ("_hca", "_m3", "_m3", "_kwh")        # by KINDS index
KQ_STEP = 1000
RED_STEP = 10000
MULT_STEP = 1000000
FACTOR_MAX = 65.535             # KQ and KC are kept in thousandths in 16 bits
MULTIPLIER_MAX = 4294.967295    # a multiplier is kept in millionths in 32 bits


class CodingError(Exception):
    """A coding file row that cannot be used; the message names file, row and reason."""


def is_data_line(line):
    """A row to check: not blank, not a # comment, not the header."""
    line = line.strip()
    return bool(line) and not line.startswith("#") and not line.startswith("meter_id")


def check_header(line, where):
    """The header names the columns in the order the rows are read (extra columns after
    them are allowed and ignored)."""
    cells = [c.strip().lower() for c in line.strip().split(",")]
    if tuple(cells[:len(COLUMNS)]) != COLUMNS[:len(cells)]:
        raise CodingError("%s: header must be %s, got %s"
                          % (where, ",".join(COLUMNS), line.strip()))


def _float(text, default, what, where):
    text = text.strip()
    if not text:
        return default
    try:
        return float(text)
    except ValueError:
        raise CodingError("%s: %s %r is not a number" % (where, what, text))


def known_driver(name):
    """A driver name the collector's codec has (a module or an alias, wmbus.drivers)."""
    from wmbus.drivers import index
    return name.replace("-", "_") in index.MODULES or name in index.ALIASES


def parse_row(line, where):
    """One CSV line -> (id int, key bytes|None, apartment, room, kind, scale, kq, kc,
    reduction, multiplier, driver); raises CodingError naming `where` and the reason."""
    cells = [c.strip() for c in line.split(",")]
    if len(cells) < 5:
        raise CodingError("%s: expected at least 5 columns (%s), got %d"
                          % (where, ",".join(COLUMNS[:5]), len(cells)))
    while len(cells) < len(COLUMNS):
        cells.append("")
    mid = cells[0].lower()
    try:
        num = int(mid, 16) if len(mid) == 8 else -1
    except ValueError:
        num = -1
    if num < 0:
        raise CodingError("%s: meter_id %r must be 8 hex digits" % (where, cells[0]))
    key = cells[1]
    if key:
        # AES-128 (16 bytes) or DES (8 bytes): the one rule, wmbus.keys
        from wmbus.keys import key_problem
        problem = key_problem(key)
        if problem:
            raise CodingError("%s: key for meter %s %s" % (where, mid, problem))
        key = binascii.unhexlify(key)
    else:
        key = None
    kind = cells[4].lower()
    if kind not in KINDS:
        raise CodingError("%s: kind %r of meter %s is not one of %s"
                          % (where, cells[4], mid, "/".join(KINDS)))
    scale = cells[5].lower() or "unit"
    if scale not in SCALES:
        raise CodingError("%s: scale %r of meter %s is not unit/product" % (where, cells[5], mid))
    kq = _float(cells[6], 1.0, "kq", where)
    kc = _float(cells[7], 1.0, "kc", where)
    red = _float(cells[8], 0.0, "reduction", where)
    mult = _float(cells[9], 1.0, "multiplier", where)
    if kq <= 0 or kc <= 0 or mult <= 0:
        raise CodingError("%s: factors of meter %s must be positive" % (where, mid))
    if kq > FACTOR_MAX or kc > FACTOR_MAX:
        raise CodingError("%s: KQ %s / KC %s of meter %s above %s"
                          % (where, kq, kc, mid, FACTOR_MAX))
    if mult < 0.000001 or mult > MULTIPLIER_MAX:
        raise CodingError("%s: multiplier %s of meter %s outside 0.000001..%s"
                          % (where, mult, mid, MULTIPLIER_MAX))
    if not 0.0 <= red < 1.0:
        raise CodingError("%s: reduction %r of meter %s must be in 0..<1" % (where, red, mid))
    driver = cells[10]
    if driver and not known_driver(driver):
        raise CodingError("%s: driver %r of meter %s is not one the collector has"
                          % (where, driver, mid))
    return num, key, cells[2], cells[3], kind, scale, kq, kc, red, mult, driver


def check_file(lines, name="coding.csv"):
    """Every row of a coding file checked: (rows, problems). `problems` lists each bad row
    and each meter coded twice, all of them, for the technician to fix in one go."""
    rows, problems, seen = [], [], {}
    for lineno, line in enumerate(lines, 1):
        where = "%s row %d" % (name, lineno)
        try:
            if line.strip().startswith("meter_id"):
                check_header(line, where)
                continue
            if not is_data_line(line):
                continue
            row = parse_row(line, where)
        except CodingError as e:
            problems.append(str(e))
            continue
        if row[0] in seen:
            problems.append("%s rows %d and %d: meter %08x is coded twice"
                            % (name, seen[row[0]], lineno, row[0]))
        seen[row[0]] = lineno
        rows.append(row)
    return rows, problems


def factor(kind, scale, kq, kc, reduction, multiplier):
    """The one multiplier a meter's readings get."""
    if kind == "hca":
        if scale == "unit":
            return kq * kc * (1 - reduction)
        return 1            # product scale: the count holds the factors and reductions
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
