"""A property folder (ejendom) for the settlement, read and validated before anything is
computed. Every problem is collected with file, row and reason (docs/settlement.md):

    property.toml    name, address, period, dates, the property's choices ([split])
    apartments.csv   apartment,label,area_m2,fordelingstal,reduction,taps,fee_units,rooms
    meters.csv       meter_id,apartment,kind,scale,kq,kc,reduction,multiplier,installed,
                     replaced_by,previous_year,no_heat_units,room   (coding: meterrecord.coding)
    tenancies.csv    tenancy,apartment,tenant,move_in,move_out,aconto_dkk
    costs.csv        pool,text,amount_dkk     (pool: fixed | variable | exclude | cold_water | fee)
    readings.csv     meter_id,date,value,kind,source,telegram_ref[,coded_value,factors,
                     set_date,set_date_value,meter_time]   (kind: reading|start|final);
                     factors (JSON, the record's) must agree with the meter's coding in
                     meters.csv, else the reading is refused
    degree_days.csv  month,degree_days        (optional: the year's degree days, YYYY-MM)

CSV files may be comma-separated with decimal points, or semicolon-separated with decimal
commas (a Danish spreadsheet); dates ISO (2024-01-31) or Danish (31-01-2024). Ids are kept
as written; two ids that differ only in case are a problem, never merged.
"""
import csv
import ctypes
import datetime
import functools
import gc
import io
import re
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple

from meterrecord.coding import disagreement, factor

KINDS = ("hca", "heat", "hot_water", "cold_water")
COST_POOLS = ("fixed", "variable", "exclude", "cold_water", "fee")
READING_KINDS = ("reading", "start", "final")
SET_VALUE_COLUMNS = ("set_date_value", "consumption_at_set_date_hca", "consumption_at_set_date",
                     "set_value", "value_at_set_date")
LIMIT = Decimal("1e12")          # no meter, area or bill of a property reaches this


class PropertyError(ValueError):
    """The folder has problems; `problems` lists (file, row, reason), row 0 = whole file."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("%d problem(s) in the property folder:\n%s" % (
            len(problems), "\n".join("%s row %s: %s" % p if p[1] else "%s: %s" % (p[0], p[2])
                                     for p in problems)))


@dataclass(slots=True)
class Apartment:
    id: str
    label: str
    area_m2: Decimal
    fordelingstal: Decimal
    reduction: Decimal
    taps: Decimal
    fee_units: Decimal
    rooms: Decimal = Decimal(0)


@dataclass(slots=True)
class Meter:
    id: str
    apartment: str
    kind: str
    scale: str
    kq: Decimal
    kc: Decimal
    reduction: Decimal
    installed: datetime.date | None
    replaced_by: str
    previous_year: Decimal | None = None     # last year's consumption (estimates)
    no_heat_units: Decimal = Decimal(0)      # EN 834/835 registration without heat
    room: str = ""                           # where it hangs (the coding's room)
    replaces: str = ""                       # the meter this one replaced (from replaced_by)
    multiplier: Decimal = Decimal(1)         # water/heat meter multiplier (coding)

    @property
    def factor(self):
        """The one factor the meter's readings get (meterrecord.coding.factor)."""
        return factor(self.kind, self.scale, self.kq, self.kc, self.reduction, self.multiplier)

    def factors_disagree(self, factors):
        """'' if a record's factors agree with this meter's coding, else what differs."""
        return disagreement(factors, self.kind, self.scale, self.kq, self.kc, self.reduction,
                            self.multiplier)


class MeterReading(NamedTuple):
    """One row of readings.csv. An allocator's telegram also carries its set date
    (skæringsdato) and the register's value on it, the value before the yearly reset."""
    date: datetime.date
    value: Decimal
    kind: str
    ref: str
    set_date: datetime.date | None = None
    set_value: Decimal | None = None
    row: int = 0


@dataclass(slots=True)
class Tenancy:
    id: str
    apartment: str
    tenant: str
    move_in: datetime.date
    move_out: datetime.date
    aconto_ore: int


@dataclass
class Property:
    folder: Path
    name: str
    address: str
    start: datetime.date
    end: datetime.date
    issued: datetime.date
    utility_statement_date: datetime.date | None
    split: dict
    apartments: list
    meters: list
    tenancies: list
    costs: list                      # (pool, text, amount_ore)
    readings: dict = field(default_factory=dict)   # meter id -> [MeterReading] by date
    degree_days: dict = field(default_factory=dict)  # (year, month) -> Decimal, the year's
    notes: list = field(default_factory=list)      # how the input was read (audit trail)
    tables: object = None            # the CSV files as arrays (Tables), when read by load

    @property
    def days(self):
        return (self.end - self.start).days + 1


DANISH_DATE = re.compile(r"^(\d{1,2})[-./](\d{1,2})[-./](\d{4})$")
GROUPED = re.compile(r"^-?\d{1,3}(\.\d{3})+(,\d+)?$")


@functools.lru_cache(maxsize=8192)
def _date(text):
    """A date as written (ISO or DD-MM-YYYY). Cached: a year of readings repeats a few
    hundred dates millions of times, and one date object per day is shared."""
    t = str(text).strip()
    m = DANISH_DATE.match(t)
    try:
        if m:
            return datetime.date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return datetime.date.fromisoformat(t)
    except ValueError:
        raise ValueError("%r is not a date (YYYY-MM-DD or DD-MM-YYYY)" % text)


def _toml_date(toml, key, problems):
    """A date from property.toml, written as a TOML date (2024-02-01) or a string."""
    v = toml.get(key)
    if v is None or v == "":
        return None
    if isinstance(v, datetime.datetime):
        return v.date()
    if isinstance(v, datetime.date):
        return v
    try:
        return _date(v)
    except ValueError as e:
        problems.append(("property.toml", 0, "%s: %s" % (key, e)))
        return None


@functools.lru_cache(maxsize=64)
def _decimal_default(text):
    """The default of an empty cell, one shared (immutable) Decimal per default."""
    return Decimal(text)


def _dec(text, default=None, danish=False):
    """A number as written in the file; decimal comma in a Danish (semicolon) file, where a
    dot only groups thousands (1.234,5). Refuses NaN, infinities and absurd magnitudes."""
    t = (text or "").strip()
    if not t:
        if default is None:
            raise ValueError("missing number")
        return _decimal_default(default)
    if danish:
        if GROUPED.match(t):
            t = t.replace(".", "")
        elif "." in t:
            raise ValueError("%r: a Danish (semicolon) file writes decimals with a comma" % text)
        t = t.replace(",", ".")
    elif "," in t and "." not in t:
        t = t.replace(",", ".")
    try:
        d = Decimal(t)
    except InvalidOperation:
        raise ValueError("%r is not a number" % text)
    if not d.is_finite():
        raise ValueError("%r is not a finite number" % text)
    if abs(d) >= LIMIT:
        raise ValueError("%r is out of range (at most %s)" % (text, LIMIT))
    return d


ALIASES = {("degree_days.csv", "date"): "month", ("degree_days.csv", "graddage"): "degree_days",
           ("degree_days.csv", "måned"): "month"}


class Table(NamedTuple):
    rows: list                 # [(row number, {column: text})]; an iterator when lazy
    danish: bool


def _rows(folder, name, required, problems, notes=None, lazy=False):
    """The rows of a CSV file as (row number, dict); a missing file, a file that is not
    UTF-8 or missing columns are listed in problems. lazy: the rows as an iterator, read
    as they are used (readings.csv: millions of rows never held as dicts at once)."""
    path = folder / name
    if not path.is_file():
        problems.append((name, 0, "file missing"))
        return Table([], False)
    from .columns import utf8_text
    text = utf8_text(path.read_bytes(), name, problems)
    if text is None:
        return Table([], False)
    head = text.split("\n", 1)[0]
    delimiter = ","
    if ";" in head and "," not in head:
        delimiter = ";"
    elif "\t" in head and "," not in head:
        delimiter = "\t"
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    names = [ALIASES.get((name, c.strip().lower()), c.strip()) for c in next(reader, [])]
    missing = [c for c in required if c not in names]
    if missing:
        hint = ""
        if ";" in head and delimiter == ",":
            hint = "; the header mixes ',' and ';': use one separator"
        problems.append((name, 1, "columns missing: %s%s" % (", ".join(missing), hint)))
        return Table([], False)
    if delimiter != "," and notes is not None:
        notes.append("%s: %s-separeret fil (dansk regneark), decimaltal med komma" % (
            name, "semikolon" if delimiter == ";" else "tabulator"))
    columns = [(j, c) for j, c in enumerate(names) if c]
    # blank lines skipped; a short row's missing cells are "", cells past the header dropped
    rows = ((i + 2, {c: r[j].strip() if j < len(r) else "" for j, c in columns})
            for i, r in enumerate(r for r in reader if r))
    return Table(rows if lazy else list(rows), delimiter != ",")


FILE_NAME_CHARS = re.compile(r"[A-Za-z0-9]")


def _nameable(ident):
    """An id that names output files needs a letter or digit a file name can hold."""
    return bool(FILE_NAME_CHARS.search(ident))


def _unknown_apartment(apartment, apartment_ids):
    same = [a for a in apartment_ids if a.casefold() == apartment.casefold()]
    return "unknown apartment %r" % apartment + (
        " (apartments.csv has %r: ids differ only in case)" % same[0] if same else "")


def _ids_once(name, rows_ids, what, problems):
    """Each id once, and no two ids that differ only in case."""
    seen = {}
    for row, ident in rows_ids:
        if not ident:
            continue
        key = ident.casefold()
        if key in seen:
            first_row, first = seen[key]
            if first == ident:
                problems.append((name, row, "%s %s listed twice (also row %d)"
                                 % (what, ident, first_row)))
            else:
                problems.append((name, row, "%s %s differs from %s (row %d) only in case; "
                                 "ids are kept as written, never merged" % (what, ident, first,
                                                                             first_row)))
        else:
            seen[key] = (row, ident)


def gc_paused(fn):
    """Run fn with Python's cycle collector off: loading and settling make millions of
    small objects and no cycles, and each full collection walked all of them again (half
    the time of a 100,000-apartment property); reference counting still frees them."""
    @functools.wraps(fn)
    def paused(*args, **kwargs):
        was = gc.isenabled()
        gc.disable()
        try:
            return fn(*args, **kwargs)
        finally:
            if was:
                gc.enable()
    return paused


@functools.lru_cache(maxsize=1)
def reuse_freed_memory():
    """glibc hands each allocation over 32 MB a fresh mapping that the kernel zeroes page by
    page, and unmaps it when freed; the settlement's column temporaries (tens to hundreds of
    MB at a million apartments) then spent a third of their time in the kernel. Allocations
    up to 256 MB come from the heap instead, where freed memory is reused by the next one
    (more than 16 MB free at the heap's top goes back to the system). Measured at 1M
    apartments: kernel time 4.6 -> 2.4 s, peak RSS 1.84 -> 1.73 GB. Once per process; a
    no-op off glibc."""
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(M_MMAP_THRESHOLD, 256 << 20)
        libc.mallopt(M_TRIM_THRESHOLD, 16 << 20)
    except (OSError, AttributeError):
        pass


M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3        # glibc malloc.h mallopt parameters


@gc_paused
def load(folder, period=None):
    """Read and validate a property folder; PropertyError lists every problem found."""
    from . import columns, tables
    reuse_freed_memory()
    folder = Path(folder)
    problems, notes = [], []
    toml = _read_toml(folder, problems)
    start, end = _period(period or toml.get("period", ""), problems)
    split = _split(toml, problems)
    got = {}
    for name, required, table in (
            ("apartments.csv", ("apartment", "area_m2", "fordelingstal"), tables.Apartments),
            ("meters.csv", ("meter_id", "apartment", "kind"), tables.Meters),
            ("tenancies.csv", ("tenancy", "apartment", "move_in"), tables.Tenancies)):
        got[name] = columns.read(folder, name, required, problems, notes, table.COLUMNS,
                                 table.CODED)
    apartments = meters = tenancies = readings = None
    at = len(problems)
    if got["apartments.csv"] is not None:
        apartments = tables.Apartments(got["apartments.csv"], problems)
        if got["meters.csv"] is not None:
            meters = tables.Meters(got["meters.csv"], apartments, split, problems)
        if got["tenancies.csv"] is not None:
            tenancies = tables.Tenancies(got["tenancies.csv"], apartments, problems)
    got = None
    costs = _costs(folder, problems, notes)
    t = columns.read(folder, "readings.csv", ("meter_id", "date", "value"), problems, notes,
                     tables.Readings.COLUMNS, tables.Readings.CODED)
    if t is not None and meters is not None:
        readings = tables.Readings(t, meters, problems, notes)
    del t
    degree_days = _degree_days(folder, toml, problems, notes)
    issued = _toml_date(toml, "issued", problems)
    usd = _toml_date(toml, "utility_statement_date", problems)
    _in_file_order(problems, at)
    if problems:
        raise PropertyError(problems)
    if issued is None:
        notes.append("property.toml: issued ikke oplyst; dags dato %s er brugt som "
                     "udstedelsesdato" % datetime.date.today().strftime("%d-%m-%Y"))
    prop = Property(folder, toml.get("name", folder.name), toml.get("address", ""), start,
                    end, issued or datetime.date.today(), usd, split,
                    tables.ObjectList(apartments), tables.ObjectList(meters),
                    tables.ObjectList(tenancies), costs, tables.ReadingsByMeter(readings),
                    degree_days, notes)
    prop.tables = Tables(apartments, meters, tenancies, readings)
    return prop


class Tables(NamedTuple):
    """The property's CSV files as arrays (fordel.settle.tables)."""
    apartments: object
    meters: object
    tenancies: object
    readings: object


FILE_ORDER = ("apartments.csv", "meters.csv", "tenancies.csv", "costs.csv", "readings.csv")


def _in_file_order(problems, at):
    """The CSV files' problems (from index `at`) by file, then row."""
    rank = {n: k for k, n in enumerate(FILE_ORDER)}
    tail = sorted(problems[at:], key=lambda p: (rank.get(p[0], len(rank)), p[1]))
    problems[at:] = tail


def _read_toml(folder, problems):
    try:
        return tomllib.loads((folder / "property.toml").read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(("property.toml", 0, "file missing"))
    except UnicodeDecodeError:
        problems.append(("property.toml", 0, "not UTF-8; save the file as UTF-8"))
    except tomllib.TOMLDecodeError as e:
        problems.append(("property.toml", 0, "not valid TOML: %s" % e))
    return {}


def _period(per, problems):
    try:
        a, b = str(per).split("..")
        start, end = _date(a), _date(b)
        if end < start:
            raise ValueError("ends before it starts")
        return start, end
    except ValueError as e:
        problems.append(("property.toml", 0, "period %r must be YYYY-MM-DD..YYYY-MM-DD (%s)"
                         % (per, e)))
        return datetime.date(2000, 1, 1), datetime.date(2000, 1, 1)


def _split(toml, problems):
    split = dict(hot_water_share=0.0, pipe_loss_share=0.0, tap_share=1.0)
    split.update(toml.get("split", {}))
    if split.get("moves", "days") not in ("days", "degree_days"):
        problems.append(("property.toml", 0, "split.moves must be days or degree_days"))
    for k in ("hot_water_share", "pipe_loss_share", "tap_share", "heat_kwh_share"):
        v = split.get(k)
        if k == "heat_kwh_share" and v is None:
            continue
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not 0 <= v <= 1:
            problems.append(("property.toml", 0, "split.%s must be a fraction 0..1" % k))
    order = split.get("estimate_order")
    if order is not None:
        from .estimate import METHODS
        if not isinstance(order, list) or not order or \
                any(x not in METHODS for x in order):
            problems.append(("property.toml", 0, "split.estimate_order must list some of %s"
                             % ", ".join(METHODS)))
    return split


def _costs(folder, problems, notes):
    costs = []
    t = _rows(folder, "costs.csv", ("pool", "amount_dkk"), problems, notes)
    for row, r in t.rows:
        try:
            amount = int((_dec(r["amount_dkk"], danish=t.danish) * 100).to_integral_value())
        except ValueError as e:
            problems.append(("costs.csv", row, str(e)))
            continue
        if r["pool"] not in COST_POOLS:
            problems.append(("costs.csv", row, "pool %r is not one of %s"
                             % (r["pool"], COST_POOLS)))
        costs.append((r["pool"], r.get("text", ""), amount))
    if not [c for c in costs if c[0] in ("fixed", "variable")] and (folder / "costs.csv").exists():
        problems.append(("costs.csv", 0, "no heating costs (pool fixed or variable)"))
    sums = {k: sum(c[2] for c in costs if c[0] == k) for k in COST_POOLS}
    for k, v in sums.items():
        if v < 0:
            problems.append(("costs.csv", 0, "pool %s totals %s DKK: a cost to share cannot be "
                             "negative" % (k, "%d.%02d" % divmod(v, 100) if v >= 0 else
                                           "-%d.%02d" % divmod(-v, 100))))
    if sums["exclude"] > sums["variable"]:
        problems.append(("costs.csv", 0, "exclude (%d øre) is more than the variable costs "
                         "(%d øre)" % (sums["exclude"], sums["variable"])))
    return costs


def crosses_set_date(r0, r1):
    """True if an allocator's yearly reset lies between readings r0 and r1: the set date
    the later telegram carries, else 31 December (the usual skæringsdato)."""
    if r1.set_date is not None:
        return r0.date <= r1.set_date < r1.date
    for y in range(r0.date.year, r1.date.year + 1):
        if r0.date <= datetime.date(y, 12, 31) < r1.date:
            return True
    return False


def _degree_days(folder, toml, problems, notes):
    """The year's degree days per month: degree_days.csv (month,degree_days; a day's figures
    YYYY-MM-DD are added up per month) or property.toml [degree_days] "YYYY-MM" = value."""
    rows = [(0, {"month": str(k), "degree_days": str(v)})
            for k, v in (toml.get("degree_days") or {}).items()]
    danish = False
    if (folder / "degree_days.csv").exists():
        t = _rows(folder, "degree_days.csv", ("month", "degree_days"), problems, notes)
        rows, danish = rows + t.rows, t.danish
    out = {}
    for row, r in rows:
        where = "degree_days.csv" if row else "property.toml"
        m = re.match(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$", r["month"])
        try:
            if not m or not 1 <= int(m.group(2)) <= 12:
                raise ValueError("month %r must be YYYY-MM (or a day YYYY-MM-DD)" % r["month"])
            v = _dec(r["degree_days"], danish=danish)
            if v < 0:
                raise ValueError("degree days %s must be >= 0" % v)
        except ValueError as e:
            problems.append((where, row, str(e)))
            continue
        key = (int(m.group(1)), int(m.group(2)))
        out[key] = out.get(key, Decimal(0)) + v
    return out
