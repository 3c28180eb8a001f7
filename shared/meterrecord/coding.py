"""The rules for one row of the technician's coding CSV (målerkodning), on both interpreters:
the collector checks coding.csv with them at boot (firmware/coding_csv.py) and `fordel
provision` checks the same file with them on the laptop before it is pushed, so a file the
laptop accepts is one the collector accepts.

    meter_id,key,apartment,room,kind,scale,kq,kc,reduction,multiplier,driver
    12345678,0123456789ABCDEF0123456789ABCDEF,3.tv,stue,hca,unit,1.25,0.95,0.10,,qcaloric

The meaning of each column is in firmware/coding.py.
"""
import binascii

KINDS = ("hca", "hot_water", "cold_water", "heat")
SCALES = ("unit", "product")
COLUMNS = ("meter_id", "key", "apartment", "room", "kind", "scale", "kq", "kc",
           "reduction", "multiplier", "driver")
KEY_HEX_DIGITS = 32             # AES-128 (OMS security modes 5 and 7)
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
        if len(key) != KEY_HEX_DIGITS:
            raise CodingError("%s: key for meter %s must be %d hex digits, got %d"
                              % (where, mid, KEY_HEX_DIGITS, len(key)))
        try:
            key = binascii.unhexlify(key)
        except ValueError:
            raise CodingError("%s: key for meter %s is not hex" % (where, mid))
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
