"""A property folder (ejendom) for the settlement, read and validated before anything is
computed. Every problem is collected with file, row and reason (docs/settlement.md):

    property.toml    name, address, period, dates, the property's choices ([split])
    apartments.csv   apartment,label,area_m2,fordelingstal,reduction,taps,fee_units,rooms
    meters.csv       meter_id,apartment,kind,scale,kq,kc,reduction,multiplier,installed,
                     replaced_by,previous_year,no_heat_units   (coding: meterrecord.coding)
    tenancies.csv    tenancy,apartment,tenant,move_in,move_out,aconto_dkk
    costs.csv        pool,text,amount_dkk     (pool: fixed | variable | exclude | cold_water | fee)
    readings.csv     meter_id,date,value,kind,source,telegram_ref   (kind: reading|start|final)
                     [,coded_value,factors,...]: factors (JSON, the record's) must agree with
                     the meter's coding in meters.csv, else the reading is refused
"""
import csv
import datetime
import json
import tomllib
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from meterrecord.coding import disagreement, factor

KINDS = ("hca", "heat", "hot_water", "cold_water")
COST_POOLS = ("fixed", "variable", "exclude", "cold_water", "fee")
READING_KINDS = ("reading", "start", "final")


class PropertyError(ValueError):
    """The folder has problems; `problems` lists (file, row, reason), row 0 = whole file."""

    def __init__(self, problems):
        self.problems = problems
        super().__init__("%d problem(s) in the property folder:\n%s" % (
            len(problems), "\n".join("%s row %s: %s" % p if p[1] else "%s: %s" % (p[0], p[2])
                                     for p in problems)))


@dataclass
class Apartment:
    id: str
    label: str
    area_m2: Decimal
    fordelingstal: Decimal
    reduction: Decimal
    taps: Decimal
    fee_units: Decimal
    rooms: Decimal = Decimal(0)


@dataclass
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
    multiplier: Decimal = Decimal(1)         # water/heat meter multiplier (coding)

    @property
    def factor(self):
        """The one factor the meter's readings get (meterrecord.coding.factor)."""
        return factor(self.kind, self.scale, self.kq, self.kc, self.reduction, self.multiplier)

    def factors_disagree(self, factors):
        """'' if a record's factors agree with this meter's coding, else what differs."""
        return disagreement(factors, self.kind, self.scale, self.kq, self.kc, self.reduction,
                            self.multiplier)


@dataclass
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
    readings: dict = field(default_factory=dict)   # meter id -> [(date, value, kind, ref)]

    @property
    def days(self):
        return (self.end - self.start).days + 1


def _date(text):
    return datetime.date.fromisoformat(text.strip())


def _dec(text, default=None):
    t = (text or "").strip().replace(",", ".")
    if not t:
        if default is None:
            raise ValueError("missing number")
        return Decimal(default)
    try:
        return Decimal(t)
    except InvalidOperation:
        raise ValueError("%r is not a number" % text)


def _rows(folder, name, required, problems):
    path = folder / name
    if not path.is_file():
        problems.append((name, 0, "file missing"))
        return []
    with open(path, encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in required if c not in (reader.fieldnames or ())]
        if missing:
            problems.append((name, 1, "columns missing: %s" % ", ".join(missing)))
            return []
        return [(i + 2, {k: (v or "").strip() for k, v in r.items() if k}) for i, r in
                enumerate(reader)]


def load(folder, period=None):
    """Read and validate a property folder; PropertyError lists every problem found."""
    folder = Path(folder)
    problems = []
    try:
        toml = tomllib.loads((folder / "property.toml").read_text(encoding="utf-8"))
    except FileNotFoundError:
        toml = {}
        problems.append(("property.toml", 0, "file missing"))
    except tomllib.TOMLDecodeError as e:
        toml = {}
        problems.append(("property.toml", 0, "not valid TOML: %s" % e))
    per = period or toml.get("period", "")
    try:
        a, b = str(per).split("..")
        start, end = _date(a), _date(b)
        if end < start:
            raise ValueError("ends before it starts")
    except ValueError as e:
        problems.append(("property.toml", 0, "period %r must be YYYY-MM-DD..YYYY-MM-DD (%s)"
                         % (per, e)))
        start = end = datetime.date(2000, 1, 1)
    split = dict(hot_water_share=0.0, pipe_loss_share=0.0, tap_share=1.0)
    split.update(toml.get("split", {}))
    if split.get("moves", "days") not in ("days", "degree_days"):
        problems.append(("property.toml", 0, "split.moves must be days or degree_days"))
    for k in ("hot_water_share", "pipe_loss_share", "tap_share"):
        v = split[k]
        if not isinstance(v, (int, float)) or not 0 <= v <= 1:
            problems.append(("property.toml", 0, "split.%s must be a fraction 0..1" % k))

    apartments = []
    for row, r in _rows(folder, "apartments.csv", ("apartment", "area_m2", "fordelingstal"),
                        problems):
        try:
            ap = Apartment(r["apartment"], r.get("label") or r["apartment"], _dec(r["area_m2"]),
                           _dec(r["fordelingstal"]), _dec(r.get("reduction"), "0"),
                           _dec(r.get("taps"), "0"), _dec(r.get("fee_units"), "1"),
                           _dec(r.get("rooms"), "0"))
        except ValueError as e:
            problems.append(("apartments.csv", row, str(e)))
            continue
        if not ap.id:
            problems.append(("apartments.csv", row, "apartment id missing"))
        elif any(x.id == ap.id for x in apartments):
            problems.append(("apartments.csv", row, "apartment %s listed twice" % ap.id))
        if ap.area_m2 <= 0:
            problems.append(("apartments.csv", row, "area %s m² must be positive" % ap.area_m2))
        if ap.fordelingstal < 0 or not 0 <= ap.reduction < 1 or ap.taps < 0:
            problems.append(("apartments.csv", row, "fordelingstal, taps must be >= 0 and "
                             "reduction a fraction 0..<1"))
        apartments.append(ap)
    ids = {a.id for a in apartments}

    meters = []
    for row, r in _rows(folder, "meters.csv", ("meter_id", "apartment", "kind"), problems):
        try:
            m = Meter(r["meter_id"].lower(), r["apartment"], r["kind"], r.get("scale") or "unit",
                      _dec(r.get("kq"), "1"), _dec(r.get("kc"), "1"), _dec(r.get("reduction"), "0"),
                      _date(r["installed"]) if r.get("installed") else None,
                      (r.get("replaced_by") or "").lower(),
                      _dec(r["previous_year"]) if r.get("previous_year") else None,
                      _dec(r.get("no_heat_units"), "0"), _dec(r.get("multiplier"), "1"))
        except ValueError as e:
            problems.append(("meters.csv", row, str(e)))
            continue
        if m.apartment not in ids:
            problems.append(("meters.csv", row, "unknown apartment %r" % m.apartment))
        if m.kind not in KINDS:
            problems.append(("meters.csv", row, "kind %r is not one of %s" % (m.kind, KINDS)))
        if m.scale not in ("unit", "product"):
            problems.append(("meters.csv", row, "scale %r is not unit or product" % m.scale))
        if m.multiplier <= 0:
            problems.append(("meters.csv", row, "multiplier %s is not positive" % m.multiplier))
        meters.append(m)

    tenancies = []
    for row, r in _rows(folder, "tenancies.csv", ("tenancy", "apartment", "move_in"), problems):
        try:
            t = Tenancy(r["tenancy"], r["apartment"], r.get("tenant", ""), _date(r["move_in"]),
                        _date(r["move_out"]) if r.get("move_out") else datetime.date.max,
                        int((_dec(r.get("aconto_dkk"), "0") * 100).to_integral_value()))
        except ValueError as e:
            problems.append(("tenancies.csv", row, str(e)))
            continue
        if t.apartment not in ids:
            problems.append(("tenancies.csv", row, "unknown apartment %r" % t.apartment))
        if t.move_out < t.move_in:
            problems.append(("tenancies.csv", row, "moves out before moving in"))
        for o in tenancies:
            if o.apartment == t.apartment and t.move_in <= o.move_out and o.move_in <= t.move_out:
                problems.append(("tenancies.csv", row, "overlaps tenancy %s of apartment %s"
                                 % (o.id, t.apartment)))
        tenancies.append(t)

    costs = []
    for row, r in _rows(folder, "costs.csv", ("pool", "amount_dkk"), problems):
        try:
            amount = int((_dec(r["amount_dkk"]) * 100).to_integral_value())
        except ValueError as e:
            problems.append(("costs.csv", row, str(e)))
            continue
        if r["pool"] not in COST_POOLS:
            problems.append(("costs.csv", row, "pool %r is not one of %s" % (r["pool"], COST_POOLS)))
        costs.append((r["pool"], r.get("text", ""), amount))
    if not [c for c in costs if c[0] in ("fixed", "variable")] and (folder / "costs.csv").exists():
        problems.append(("costs.csv", 0, "no heating costs (pool fixed or variable)"))

    readings = {}
    meter_ids = {m.id for m in meters}
    by_id = {m.id: m for m in meters}
    for row, r in _rows(folder, "readings.csv", ("meter_id", "date", "value"), problems):
        mid = r["meter_id"].lower()
        try:
            d, v = _date(r["date"]), _dec(r["value"])
        except ValueError as e:
            problems.append(("readings.csv", row, str(e)))
            continue
        kind = r.get("kind") or "reading"
        if mid not in meter_ids:
            problems.append(("readings.csv", row, "unknown meter %s" % mid))
            continue
        if kind not in READING_KINDS:
            problems.append(("readings.csv", row, "kind %r is not one of %s" % (kind, READING_KINDS)))
        if v < 0:
            problems.append(("readings.csv", row, "negative reading %s" % v))
        bad = _factors_problem(by_id[mid], r.get("factors"))
        if bad:
            problems.append(("readings.csv", row, "meter %s reading on %s: %s"
                             % (mid, d, bad)))
            continue
        readings.setdefault(mid, []).append((d, v, kind, r.get("telegram_ref", ""), row))
    for mid, rs in readings.items():
        rs.sort(key=lambda x: (x[0], x[2] != "final"))
        m = by_id[mid]
        for (d0, v0, k0, _, _r0), (d1, v1, k1, _, r1) in zip(rs, rs[1:]):
            if v1 < v0 and not (m.kind == "hca" and _crosses_set_date(d0, d1)) \
                    and k0 != "final" and k1 != "start":
                problems.append(("readings.csv", r1, "meter %s reading %s on %s is below %s on %s "
                                 "without a replacement" % (mid, v1, d1, v0, d0)))
    if problems:
        raise PropertyError(problems)
    issued = _date(toml["issued"]) if toml.get("issued") else datetime.date.today()
    usd = _date(toml["utility_statement_date"]) if toml.get("utility_statement_date") else None
    return Property(folder, toml.get("name", folder.name), toml.get("address", ""), start, end,
                    issued, usd, split, apartments, meters, tenancies, costs,
                    {k: [x[:4] for x in v] for k, v in readings.items()})


def _factors_problem(meter, text):
    """Why a reading's record factors (the export's JSON) cannot be used with the meter's
    coding in meters.csv, or '' (none given: a manual reading)."""
    if not text:
        return ""
    try:
        factors = json.loads(text)
    except ValueError:
        return "factors %r are not JSON" % text
    if not isinstance(factors, dict):
        return "factors %r are not a JSON object" % text
    why = meter.factors_disagree(factors)
    return "the collector coded it with factors other than meters.csv (%s)" % why if why else ""


def _crosses_set_date(d0, d1, month=12, day=31):
    """True if the allocator's annual set date (skæringsdato) lies in (d0, d1]."""
    for y in range(d0.year, d1.year + 1):
        s = datetime.date(y, month, day)
        if d0 <= s < d1:
            return True
    return False
