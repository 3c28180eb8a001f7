"""The settlement engine: a validated Property in, pools, unit prices and one statement per
tenancy out (integer øre), vectorised with numpy over tenancies.

Pools (øre; each derived so the pools add up to the costs exactly):
    fixed        Σ fixed lines                          by fordelingstal × (1 − reduction)
    variable  =  Σ variable − Σ exclude (e.g. ventilation of commercial units)
      hot water  round(variable × hot_water_share)
        taps     round(hot water × tap_share) by tap shares; the rest by hot-water meters
                 (everything by taps when no apartment has a hot-water meter)
      heating  = variable − hot water
        pipe     round(heating × pipe_loss_share) by fordelingstal (rørtab, fællesarealer)
        meters   heating − pipe, by consumption: allocator units × KQ × KC × (1 − reduction)
                 (product scale: units × (1 − reduction)), or heat-meter kWh
    cold water   Σ cold_water lines by cold-water m³
    fees         Σ fee lines by fee units
Tenancies share their apartment's bases by calendar days. Each pool is split over tenancies
by largest remainder: floor of each exact share, the remaining øre to the largest fractions,
so every pool is distributed to the øre and every statement adds up.
"""
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from .property import Property

POOL_NAMES = {
    "fixed": ("Fast bidrag efter fordelingstal", "fordelingstal"),
    "pipe": ("Rørtab og fællesarealer efter fordelingstal", "fordelingstal"),
    "heat_hca": ("Forbrugsudgifter: varmefordelingsmålere", "enheder"),
    "heat_kwh": ("Forbrugsudgifter: energimålere", "kWh"),
    "taps": ("Haneandele (cirkulationstab mv.)", "andele"),
    "hot_water": ("Forbrugsudgifter: varmtvandsmålere", "m³"),
    "cold_water": ("Koldt vand efter måler", "m³"),
    "fee": ("Gebyrer (app, administration)", "enheder"),
}
KIND_DK = {"hca": "varmefordelingsmåler", "heat": "energimåler", "hot_water": "varmtvandsmåler",
           "cold_water": "koldtvandsmåler"}


@dataclass
class Pool:
    key: str
    name: str
    basis_unit: str
    amount_ore: int
    basis_total: Decimal
    unit_price: Decimal
    share: Decimal | None = None


@dataclass
class Line:
    pool: str
    basis: Decimal
    amount_ore: int


@dataclass
class Estimate:
    meter_id: str
    pool: str
    reason: str
    method: str
    value: Decimal
    unit: str


@dataclass
class FixedKey:
    name: str
    full_year: Decimal
    value: Decimal


@dataclass
class Reduction:
    applies: bool
    text: str
    where: str


@dataclass
class Reading:
    meter_id: str
    kind: str
    location: str
    start: Decimal
    end: Decimal
    consumption: Decimal
    factor: Decimal | None
    basis: Decimal
    unit: str
    note: str
    decimals: int
    refs: tuple = ()


@dataclass
class Comparison:
    label: str
    own: Decimal
    average: Decimal
    unit: str


@dataclass
class Check:
    name: str
    ok: bool
    severity: str
    message: str


@dataclass
class Month:
    year: int
    month: int
    own: float | None
    last_year: float | None
    average: float | None


@dataclass
class EEDSeries:
    unit_id: str
    unit_label: str
    quantity: str
    unit: str
    months: list


@dataclass
class Statement:
    tenancy_id: str
    unit_id: str
    unit_label: str
    tenant_name: str
    liable_from: datetime.date
    liable_to: datetime.date
    days: int
    lines: list
    total_ore: int
    aconto_ore: int
    balance_ore: int
    estimates: list = field(default_factory=list)
    fixed_keys: list = field(default_factory=list)
    reduction: Reduction | None = None
    readings: list = field(default_factory=list)
    comparisons: list = field(default_factory=list)


@dataclass
class Result:
    property_name: str
    address: str
    period_start: datetime.date
    period_end: datetime.date
    period_days: int
    issued: datetime.date
    utility_statement_date: datetime.date | None
    deadline: datetime.date | None
    pools: list
    statements: list
    checks: list
    audit: list
    eed: list


def largest_remainder(amount_ore, bases):
    """Split amount_ore (int) over bases (array) to the øre: floors of the exact shares, the
    remaining øre one each to the largest fractional parts (ties: lower index first)."""
    bases = np.asarray(bases, dtype=np.float64)
    total = bases.sum()
    if total <= 0 or amount_ore == 0:
        return np.zeros(len(bases), dtype=np.int64)
    exact = amount_ore * (bases / total)
    floors = np.floor(exact).astype(np.int64)
    rest = int(amount_ore - floors.sum())
    if rest:
        order = np.argsort(-(exact - floors), kind="stable")
        floors[order[:rest]] += 1
    return floors


def allocate_matrix(amounts, bases):
    """amounts: øre per pool (k,); bases: (k, n) bases per pool and tenancy -> (k, n) øre,
    each row summing to its amount exactly (largest remainder, vectorised over tenancies)."""
    bases = np.asarray(bases, dtype=np.float64)
    amounts = np.asarray(amounts, dtype=np.int64)
    totals = bases.sum(axis=1, keepdims=True)
    safe = np.where(totals > 0, totals, 1.0)
    exact = bases * amounts[:, None] / safe
    floors = np.floor(exact).astype(np.int64)
    rest = amounts - floors.sum(axis=1)
    frac = exact - floors
    out = floors
    for k in range(len(amounts)):           # one sort per pool (k is small)
        if rest[k] > 0:
            idx = np.argpartition(-frac[k], rest[k] - 1)[:rest[k]]
            out[k, idx] += 1
    return out


def _round(x):
    return int(Decimal(str(x)).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def meter_consumption(readings, start, end, kind):
    """(consumption, start value, end value, refs, note) over [start, end] from a meter's
    sorted readings, or None when there is no reading to close the period. A heating meter
    whose readings stop early (more than 31 days before the end) is extrapolated to the end
    by degree days (Dansk Fjernvarme's normal year); the note says so."""
    inside = [r for r in readings if start - datetime.timedelta(days=1) <= r[0] <= end]
    if len(inside) < 2:
        return None
    if inside[-1][0] < end - datetime.timedelta(days=31):
        if kind not in ("hca", "heat"):
            return None
        got = meter_consumption(inside, start, inside[-1][0], kind)
        if got is None:
            return None
        from . import degree_days as dd
        seen = dd.between(max(start, inside[0][0]), inside[-1][0])
        if seen <= 0:
            return None
        scale = Decimal(str(dd.between(max(start, inside[0][0]), end) / seen))
        c = (got[0] * scale).quantize(Decimal("0.001"))
        return (c, got[1], got[2], got[3],
                "skønnet efter graddage fra sidste aflæsning %s" % inside[-1][0].isoformat())
    total = Decimal(0)
    note = ""
    for (d0, v0, k0, _), (d1, v1, k1, _) in zip(inside, inside[1:]):
        if k0 == "final" and k1 == "start":
            note = "målerudskiftning %s" % d1.isoformat()
            continue
        if v1 < v0:                      # an allocator's yearly reset at its set date
            total += v1
            note = "nulstillet på skæringsdatoen"
        else:
            total += v1 - v0
    refs = tuple(r[3] for r in (inside[0], inside[-1]) if r[3])
    return total, inside[0][1], inside[-1][1], refs, note


def settle(prop: Property, progress=None):
    start, end, days = prop.start, prop.end, prop.days
    apts = prop.apartments
    index = {a.id: i for i, a in enumerate(apts)}
    n = len(apts)
    area = np.array([float(a.area_m2) for a in apts])
    ftal = np.array([float(a.fordelingstal * (1 - a.reduction)) for a in apts])
    taps = np.array([float(a.taps) for a in apts])
    if not any(m.kind == "hot_water" for m in prop.meters):
        # no hot-water meters: hot water by tap shares plus extra shares per room
        taps = taps + float(prop.split.get("room_share", 0)) * \
            np.array([float(a.rooms) for a in apts])
    fee_units = np.array([float(a.fee_units) for a in apts])
    cons = {k: np.zeros(n) for k in ("hca", "heat", "hot_water", "cold_water")}
    measured = {k: np.zeros(n, dtype=bool) for k in cons}
    readings_of = {a.id: [] for a in apts}
    estimates_of = {a.id: [] for a in apts}
    missing = []
    audit = ["Indlæst og kontrolleret: %d lejligheder, %d målere, %d lejemål, %d udgiftslinjer"
             % (n, len(prop.meters), len(prop.tenancies), len(prop.costs))]
    for m in prop.meters:
        i = index[m.apartment]
        factor = m.factor       # meterrecord.coding: KQ x KC x (1 - red.) or multiplier
        got = meter_consumption(prop.readings.get(m.id, []), start, end, m.kind)
        if got is None:
            missing.append((m, i, factor))
            continue
        c, v0, v1, refs, note = got
        if m.no_heat_units and m.kind == "hca":
            # EN 834/835: the registration an allocator may make without heat is deducted
            c = max(Decimal(0), c - m.no_heat_units)
            note = (note + "; " if note else "") + "fradrag %s enheder uden varme (EN 834)" \
                % m.no_heat_units
        if "graddage" in note:
            estimates_of[m.apartment].append(Estimate(
                m.id, "heat_hca" if m.kind == "hca" else "heat_kwh",
                "aflæsninger stopper før periodens slutning", note, c * factor,
                "enheder" if m.kind == "hca" else "kWh"))
        basis = c * factor
        cons[m.kind][i] += float(basis)
        measured[m.kind][i] = True
        unit = {"hca": "enheder", "heat": "kWh"}.get(m.kind, "m³")
        if refs:        # the collector records (and raw telegrams) behind the readings
            note = (note + "; " if note else "") + "telegrammer " + ", ".join(refs)
        readings_of[m.apartment].append(Reading(
            m.id, KIND_DK[m.kind], m.apartment, v0, v1, c,
            factor if m.kind == "hca" or factor != 1 else None,
            basis, unit, note, 0 if m.kind == "hca" else 3, refs))
    # estimates: property average per m² of the same kind (marked on the statement)
    for m, i, factor in missing:
        unit = {"hca": "enheder", "heat": "kWh"}.get(m.kind, "m³")
        pool = {"hca": "heat_hca", "heat": "heat_kwh"}.get(m.kind, m.kind)
        if m.previous_year is not None:
            # the meter's consumption last year, for the days of this period
            est = float(m.previous_year * factor) * days / 365
            method = "forrige års forbrug × %d / 365 dage" % days
        else:
            ok = measured[m.kind]
            per_m2 = cons[m.kind][ok].sum() / area[ok].sum() if ok.any() else 0.0
            est = per_m2 * area[i]
            method = "ejendommens gennemsnit pr. m² × lejlighedens areal"
        cons[m.kind][i] += est
        estimates_of[m.apartment].append(Estimate(
            m.id, pool, "ingen aflæsning ved periodens start/slut", method,
            Decimal(str(round(est, 3))), unit))
    if missing:
        audit.append("Skønnet %d målere uden aflæsninger (forrige år, ellers gennemsnit pr. m²)"
                     % len(missing))

    # pools
    sums = {k: sum(c[2] for c in prop.costs if c[0] == k) for k in
            ("fixed", "variable", "exclude", "cold_water", "fee")}
    variable = sums["variable"] - sums["exclude"]
    sp = prop.split
    hot = _round(variable * Decimal(str(sp["hot_water_share"])))
    heating = variable - hot
    pipe = _round(heating * Decimal(str(sp["pipe_loss_share"])))
    meters_pool = heating - pipe
    has_hw_meters = any(m.kind == "hot_water" for m in prop.meters)
    tap_pool = _round(hot * Decimal(str(sp["tap_share"]))) if has_hw_meters else hot
    hw_pool = hot - tap_pool
    heat_key = "heat_hca" if any(m.kind == "hca" for m in prop.meters) else "heat_kwh"
    heat_basis = cons["hca"] if heat_key == "heat_hca" else cons["heat"]
    pool_defs = [("fixed", sums["fixed"], ftal), ("pipe", pipe, ftal),
                 (heat_key, meters_pool, heat_basis), ("taps", tap_pool, taps),
                 ("hot_water", hw_pool, cons["hot_water"]),
                 ("cold_water", sums["cold_water"], cons["cold_water"]),
                 ("fee", sums["fee"], fee_units)]
    audit.append("Puljer dannet: variabel %d øre (efter fradrag %d øre), varmt vand %d, "
                 "opvarmning %d, rørtab %d" % (variable, sums["exclude"], hot, heating, pipe))

    # tenancies, with vacancies filled so every apartment-day is somebody's
    tenancies = []
    for a in apts:
        own = sorted((t for t in prop.tenancies if t.apartment == a.id
                      and t.move_in <= end and t.move_out >= start), key=lambda t: t.move_in)
        d = start
        for t in own:
            lo, hi = max(t.move_in, start), min(t.move_out, end)
            if lo > d:
                tenancies.append((a, "%s-ledig-%s" % (a.id, d.isoformat()), "(ledig)", d,
                                  lo - datetime.timedelta(days=1), 0))
            tenancies.append((a, t.id, t.tenant, lo, hi, t.aconto_ore))
            d = hi + datetime.timedelta(days=1)
        if d <= end:
            tenancies.append((a, "%s-ledig-%s" % (a.id, d.isoformat()) if own else a.id,
                              "(ledig)" if own else "", d, end, 0))
    t_apt = np.array([index[t[0].id] for t in tenancies])
    t_days = np.array([(t[4] - t[3]).days + 1 for t in tenancies], dtype=np.float64)
    frac = t_days / days
    frac_heat = frac
    if prop.split.get("moves") == "degree_days":
        # a tenancy's share of the heating pools: its part of the normal year's degree days
        from . import degree_days as dd
        whole = dd.between(start, end)
        frac_heat = np.array([dd.between(t[3], t[4]) / whole for t in tenancies])
        audit.append("Flytninger: opvarmning fordelt efter graddage (normalår), øvrige efter dage")

    pools, amounts, bases_t = [], {}, {}
    fallback = []
    for key, amount, basis in pool_defs:
        if amount == 0 and key not in ("fixed",):
            continue
        if basis.sum() <= 0:
            # nothing measured for this pool: never drop money, share it by fordelingstal
            fallback.append(key)
            basis = ftal
        b = basis[t_apt] * (frac_heat if key in ("pipe", "heat_hca", "heat_kwh") else frac)
        total = Decimal(str(round(float(basis.sum()), 6)))
        if total <= 0:
            raise ValueError("pool %s has %d øre and no basis to share it by" % (key, amount))
        amounts[key] = largest_remainder(amount, b)
        bases_t[key] = b
        name, unit = POOL_NAMES[key]
        share = Decimal(amount) / Decimal(sums["fixed"] + variable) \
            if key in ("fixed", "pipe", heat_key, "taps", "hot_water") and sums["fixed"] + variable else None
        pools.append(Pool(key, name, unit, int(amount), total,
                          Decimal(amount) / 100 / total, share))
        if progress:
            progress(1)
    audit.append("Fordelt med største rest: hver pulje til øre, %d lejemål" % len(tenancies))

    # property averages for the comparisons
    heat_per_m2 = float(heat_basis.sum() / area.sum()) if area.sum() else 0.0
    statements = []
    for j, (a, tid, tenant, lo, hi, aconto) in enumerate(tenancies):
        lines = [Line(p.key, Decimal(str(round(float(bases_t[p.key][j]), 6))),
                      int(amounts[p.key][j])) for p in pools if bases_t[p.key][j] > 0]
        total = sum(line.amount_ore for line in lines)
        i = index[a.id]
        statements.append(Statement(
            tid, a.id, a.label, tenant, lo, hi, int(t_days[j]), lines, total, aconto,
            total - aconto, estimates_of[a.id],
            [FixedKey("Fordelingstal", a.fordelingstal * (1 - a.reduction),
                      Decimal(str(round(float(ftal[i] * frac[j]), 6))))],
            Reduction(a.reduction > 0, "udsat beliggenhed, %s %%" % (a.reduction * 100).normalize(),
                      "Givet i fordelingstallet." if a.reduction > 0 else ""),
            readings_of[a.id],
            [Comparison("Varme pr. m²", Decimal(str(round(float(heat_basis[i] / area[i]), 2))),
                        Decimal(str(round(heat_per_m2, 2))),
                        "enheder/m²" if heat_key == "heat_hca" else "kWh/m²")]))
    checks = run_checks(prop, pools, sums, variable, heat_key, cons, area)
    for key in fallback:
        checks.append(Check("Fordelingsnøgle", False, "warning",
                            "%s: intet forbrug målt i perioden; fordelt efter fordelingstal"
                            % POOL_NAMES[key][0]))
    deadline = _add_months(prop.utility_statement_date, 3) if prop.utility_statement_date else None
    return Result(prop.name, prop.address, start, end, days, prop.issued,
                  prop.utility_statement_date, deadline, pools, statements, checks, audit,
                  eed_series(prop, index))


def _add_months(d, k):
    m0 = d.month - 1 + k
    y, m = d.year + m0 // 12, m0 % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return datetime.date(y, m, day)
        except ValueError:
            continue


def run_checks(prop, pools, sums, variable, heat_key, cons, area):
    """The checks the seeds name, reported (never silently applied)."""
    checks = []
    by = {p.key: p.amount_ore for p in pools}
    heating_total = sums["fixed"] + variable
    consumption = by.get(heat_key, 0) + by.get("hot_water", 0)
    share = consumption / heating_total if heating_total else 0
    checks.append(Check("40 %-reglen", share >= 0.40, "warning",
                        "Forbrugsafhængig andel %.2f %% af varmeudgifterne (mindst 40 %%)"
                        % (100 * share)))
    if by.get("hot_water"):
        # hot water metered separately: the rule applies to the space heating alone
        heating_only = heating_total - by.get("taps", 0) - by.get("hot_water", 0)
        s2 = by.get(heat_key, 0) / heating_only if heating_only else 0
        checks.append(Check("40 %-reglen (rumvarme)", s2 >= 0.40, "warning",
                            "Varmtvand måles for sig: forbrugsafhængig andel af rumvarmen "
                            "%.2f %% (mindst 40 %%)" % (100 * s2)))
    if prop.utility_statement_date:
        deadline = _add_months(prop.utility_statement_date, 3)
        checks.append(Check("Frist", prop.issued <= deadline, "error",
                            "Udsendt %s, frist %s (3 måneder efter værkets opgørelse)"
                            % (prop.issued.isoformat(), deadline.isoformat())))
    for m in prop.meters:
        if m.kind in ("hot_water", "cold_water") and m.installed and \
                _add_months(m.installed, 72) <= prop.end:
            checks.append(Check("Målerkontrol", False, "warning",
                                "Måler %s (%s) er over 6 år og skal kontrolleres/udskiftes"
                                % (m.id, m.apartment)))
    for kind, c in cons.items():
        ok = c > 0
        if ok.sum() < 2:
            continue
        per = c / area
        med = float(np.median(per[ok]))
        for i in np.nonzero((per > 3 * med) & ok)[0]:
            checks.append(Check("Forbrug", False, "warning",
                                "Lejlighed %s: %s pr. m² er over 3 × ejendommens median"
                                % (prop.apartments[i].id, KIND_DK[kind])))
        for i in np.nonzero(~ok)[0]:
            if any(m.kind == kind and m.apartment == prop.apartments[i].id for m in prop.meters):
                checks.append(Check("Forbrug", False, "warning",
                                    "Lejlighed %s: intet forbrug på %s (stoppet måler?)"
                                    % (prop.apartments[i].id, KIND_DK[kind])))
    return checks


def eed_series(prop, index):
    """Monthly consumption per apartment (EED information) from the readings: the change of
    each meter's register between month ends, against the property average."""
    months = []
    d = datetime.date(prop.start.year, prop.start.month, 1)
    while d <= prop.end:
        months.append((d.year, d.month))
        d = datetime.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    out = []
    for kind, qty, unit in (("hca", "Varme", "enheder"), ("hot_water", "Varmt vand", "m³"),
                            ("cold_water", "Koldt vand", "m³")):
        per_apt = {}
        per_apt_last = {}
        for m in prop.meters:
            if m.kind != kind:
                continue
            rs = prop.readings.get(m.id, [])
            vals = [_month_use(rs, y, mo) for (y, mo) in months]
            # the same month a year earlier, where the readings file reaches back that far
            last = [_month_use(rs, y - 1, mo) for (y, mo) in months]
            acc = per_apt.setdefault(m.apartment, [0.0] * len(months))
            acc_l = per_apt_last.setdefault(m.apartment, [0.0] * len(months))
            for k, v in enumerate(vals):
                acc[k] = None if v is None or acc[k] is None else acc[k] + v
            for k, v in enumerate(last):
                acc_l[k] = None if v is None or acc_l[k] is None else acc_l[k] + v
        if not per_apt:
            continue
        avg = []
        for k in range(len(months)):
            vs = [v[k] for v in per_apt.values() if v[k] is not None]
            avg.append(sum(vs) / len(vs) if vs else None)
        for a in prop.apartments:
            if a.id not in per_apt:
                continue
            out.append(EEDSeries(a.id, a.label, qty, unit, [
                Month(y, mo, per_apt[a.id][k], per_apt_last[a.id][k], avg[k])
                for k, (y, mo) in enumerate(months)]))
    return out


def _month_use(rs, y, mo):
    """A meter's consumption in month (y, mo): its register's rise between the month's first
    and last readings, or None without two readings in it."""
    nxt = datetime.date(y + (mo == 12), mo % 12 + 1, 1)
    first = [r for r in rs if datetime.date(y, mo, 1) <= r[0] < nxt]
    if len(first) >= 2 and first[-1][1] >= first[0][1]:
        return float(first[-1][1] - first[0][1])
    return None
