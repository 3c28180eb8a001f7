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
                 (product scale: the count as read, seed 004 ¶51), or heat-meter kWh; with
                 both in one property the energy meters get round(meters × heat_kwh_share)
    cold water   Σ cold_water lines by water m³: cold plus heated cold water (seed 004 ¶18)
    fees         Σ fee lines by fee units
A tenancy's consumption is read between the readings on the days it starts and ends
(flytteaflæsning, seed 004 ¶26); only where no such reading exists is the apartment's
consumption shared by days (or degree days, [split] moves). Fixed keys are shared by days.
Each pool is split over tenancies by largest remainder: floor of each exact share, the
remaining øre to the largest fractions, so every pool is distributed to the øre.
"""
import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

import numpy as np

from . import consumption as cu
from . import danish as dk
from .checks import deadline, run_checks
from .degree_days import DegreeDays
from .eed_months import EEDSeries, Month, eed_series  # noqa: F401 (re-exported)
from .estimate import METHODS, Estimate, estimate
from .property import Property, gc_paused

POOL_NAMES = {
    "fixed": ("Fast bidrag efter fordelingstal", "fordelingstal"),
    "pipe": ("Rørtab og fællesarealer efter fordelingstal", "fordelingstal"),
    "heat_hca": ("Forbrugsudgifter: varmefordelingsmålere", "enheder"),
    "heat_kwh": ("Forbrugsudgifter: energimålere", "kWh"),
    "taps": ("Haneandele (cirkulationstab mv.)", "andele"),
    "hot_water": ("Forbrugsudgifter: varmtvandsmålere", "m³"),
    "cold_water": ("Vand efter måler (koldt vand og vand til opvarmning)", "m³"),
    "fee": ("Gebyrer (app, administration)", "enheder"),
}
KIND_DK = {"hca": "varmefordelingsmåler", "heat": "energimåler", "hot_water": "varmtvandsmåler",
           "cold_water": "koldtvandsmåler"}
KIND_POOL = {"hca": "heat_hca", "heat": "heat_kwh", "hot_water": "hot_water",
             "cold_water": "cold_water"}
HEATING_POOLS = ("pipe", "heat_hca", "heat_kwh")
__all__ = ["Estimate", "settle"]


@dataclass
class Pool:
    key: str
    name: str
    basis_unit: str
    amount_ore: int
    basis_total: Decimal
    unit_price: Decimal
    share: Decimal | None = None


@dataclass(slots=True)
class Line:
    pool: str
    basis: Decimal
    amount_ore: int


@dataclass
class FixedKey:
    name: str
    full_year: Decimal
    value: Decimal


@dataclass
class Reduction:
    """Reduction for exposed location and where it is given: in the fordelingstal, as a
    factor on unit-scale allocators, or already in a product-scale allocator's count."""
    applies: bool
    text: str
    where: str


@dataclass(slots=True)
class Reading:
    """A meter's readings at the start and end of the tenant's own period, with their dates
    and how each was obtained, and the consumption that follows."""
    meter_id: str
    kind: str
    location: str
    start: Decimal | None
    end: Decimal | None
    consumption: Decimal
    factor: Decimal | None
    basis: Decimal
    unit: str
    note: str
    decimals: int
    refs: tuple = ()
    start_date: datetime.date | None = None
    end_date: datetime.date | None = None
    start_how: str = ""
    end_how: str = ""


@dataclass
class Comparison:
    label: str
    own: Decimal
    average: Decimal
    unit: str


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
    vacant: bool = False            # no tenant: the owner (udlejer) carries it
    share_note: str = ""            # how the apartment's consumption was shared at a move


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
    remaining øre one each to the largest fractional parts (ties: lower index first).

    The shares are computed in float64; where rounding could decide (a share within TIE of
    a whole øre, or a fractional part within TIE of the last one to get an øre: equal
    bases, shares of 1/3 and 2/3) the decision is taken again in exact integers (the float
    bases are exact binary fractions), so the result is the exact rule's."""
    bases = np.asarray(bases, dtype=np.float64)
    total = bases.sum()
    if total <= 0 or amount_ore == 0:
        return np.zeros(len(bases), dtype=np.int64)
    exact = amount_ore * bases / total
    floors = np.floor(exact).astype(np.int64)
    frac = exact - floors
    tie = TIE * max(1.0, float(exact.max()))
    ints = _ExactShares(amount_ore, bases)
    unsure = np.flatnonzero((frac < tie) | (frac > 1 - tie))
    if len(unsure):
        floors[unsure], frac[unsure] = ints.floor_and_fraction(unsure)
    rest = int(amount_ore - floors.sum())
    if rest <= 0:
        return floors
    cut = np.partition(frac, len(frac) - rest)[len(frac) - rest]
    above = np.flatnonzero(frac > cut + tie)
    band = np.flatnonzero(np.abs(frac - cut) <= tie)
    floors[above] += 1
    need = rest - len(above)
    floors[band[ints.order(band)[:need]]] += 1
    return floors


TIE = 1e-9            # relative: float64 shares are good to ~1e-15 of the largest share


class _ExactShares:
    """amount × base / Σ bases in exact integers for a few indices (each distinct base
    value computed once): every float64 base is mantissa × 2^exponent."""

    def __init__(self, amount, bases):
        self.amount, self.bases = int(amount), bases
        mant, exp = np.frexp(bases)
        self.mant = (mant * 2.0 ** 53).astype(np.int64)
        self.exp = exp.astype(np.int64) - 53
        self.low = int(self.exp[bases > 0].min()) if (bases > 0).any() else 0
        total = 0
        for e in np.unique(self.exp[bases > 0]):
            m = self.mant[(self.exp == e) & (bases > 0)]
            hi, lo = int((m >> 32).sum()), int((m & 0xFFFFFFFF).sum())
            total += ((hi << 32) + lo) << int(e - self.low)
        self.total = total

    def _scaled(self, k):
        return int(self.mant[k]) << int(self.exp[k] - self.low) if self.bases[k] > 0 else 0

    def divmod(self, idx):
        """(whole øre, remainder numerator over self.total) per index."""
        values, first, inverse = np.unique(self.bases[idx], return_index=True,
                                           return_inverse=True)
        done = [divmod(self.amount * self._scaled(idx[k]), self.total) for k in first]
        return done, inverse.ravel()

    def floor_and_fraction(self, idx):
        done, inverse = self.divmod(idx)
        q = np.array([d[0] for d in done], dtype=np.int64)[inverse]
        r = np.array([d[1] / self.total for d in done])[inverse]
        return q, r

    def order(self, idx):
        """Positions of idx by exact remainder, largest first, ties by index."""
        done, inverse = self.divmod(idx)
        by_rest = sorted({d[1] for d in done}, reverse=True)     # equal remainders tie
        place = {r: k for k, r in enumerate(by_rest)}
        rank = np.array([place[d[1]] for d in done], dtype=np.int64)
        return np.lexsort((idx, rank[inverse]))


@dataclass(slots=True)
class Segment:
    """Who is liable for an apartment from `start` to `end`: a tenancy, or a vacancy the
    owner carries."""
    apartment: object
    apt_index: int
    id: str
    tenant: str
    start: datetime.date
    end: datetime.date
    aconto_ore: int
    vacant: bool = False

    @property
    def days(self):
        return (self.end - self.start).days + 1


def segments(prop, index):
    """Every apartment-day of the period is somebody's: tenancies, and vacancies between."""
    out, by_apt = [], {}
    for t in prop.tenancies:
        if t.move_in <= prop.end and t.move_out >= prop.start:
            by_apt.setdefault(t.apartment, []).append(t)
    for a in prop.apartments:
        own = sorted(by_apt.get(a.id, ()), key=lambda t: t.move_in)
        d = prop.start
        for t in own:
            lo, hi = max(t.move_in, prop.start), min(t.move_out, prop.end)
            if lo > d:
                out.append(Segment(a, index[a.id], "%s-ledig-%s" % (a.id, d.isoformat()),
                                   "", d, lo - datetime.timedelta(days=1), 0, True))
            out.append(Segment(a, index[a.id], t.id, t.tenant, lo, hi, t.aconto_ore))
            d = hi + datetime.timedelta(days=1)
        if d <= prop.end:
            ident = "%s-ledig-%s" % (a.id, d.isoformat()) if own else a.id
            out.append(Segment(a, index[a.id], ident, "", d, prop.end, 0, True))
    return out


def meter_factor(m):
    """The coding's factor (meterrecord.coding.factor, as the collector applies it): unit
    scale units × KQ × KC × (1 − reduction) (seed 004 ¶50); product scale the count as
    read, reductions already in it (seed 004 ¶51); a water or heat meter's multiplier."""
    return Decimal(m.factor)


@dataclass(slots=True)
class MeterUse:
    """One meter over the period: what its readings give (span) or its estimate, the
    factor, and its consumption per segment of its apartment."""
    meter: object
    factor: Decimal
    span: object = None                 # consumption.MeterSpan, None when not read
    estimate: Estimate | None = None
    per_segment: list = field(default_factory=list)   # [(Segment, SegmentUse)]

    @property
    def consumption(self):
        if self.span is not None:
            return self.span.amount
        return self.estimate.value / self.factor if self.factor else Decimal(0)


@dataclass(slots=True)
class SegmentUse:
    """A meter's consumption in one segment, with the readings that bound it."""
    amount: Decimal
    first: object = None                # MeterReading that opens it (None: estimated)
    last: object = None
    shared: str = ""                    # how it was shared where readings are missing


class EstimateContext:
    """What the estimate methods need to know about the read meters, indexed once."""

    def __init__(self, prop, uses):
        self.start, self.end, self.days = prop.start, prop.end, prop.days
        self.degree_days = DegreeDays(prop.degree_days)
        self._area = {a.id: a.area_m2 for a in prop.apartments}
        self._read, self._unread, self._flats, self._fully_read = {}, {}, {}, {}
        for u in uses:
            key = (u.meter.apartment, u.meter.kind)
            read = u.span is not None and not u.span.how
            if u.span is not None:      # read, or read in part and extrapolated
                self._read.setdefault(key, []).append(u.span.amount * u.factor)
            else:
                self._unread[key] = self._unread.get(key, 0) + 1
            ok, total = self._flats.get(key, (True, Decimal(0)))
            self._flats[key] = (ok and read, total + (u.span.amount * u.factor if read else 0))

    def area(self, apt):
        return self._area[apt]

    def read_bases(self, apt, kind):
        return self._read.get((apt, kind), [])

    def unread_in_flat(self, apt, kind):
        return self._unread.get((apt, kind), 0)

    def fully_read(self, kind):
        """Σ basis and Σ area of the apartments whose meters of `kind` were all read
        (summed once per kind: asked for every unread meter)."""
        if kind not in self._fully_read:
            done = [(apt, t) for (apt, k), (ok, t) in self._flats.items() if ok and k == kind]
            self._fully_read[kind] = (
                sum((t for _, t in done), Decimal(0)),
                sum((self._area[a] for a, _ in done), Decimal(0)))
        return self._fully_read[kind]


def read_meters(prop, dd, context=EstimateContext):
    """MeterUse per meter: read over the period where readings allow, else estimated.
    context(prop, uses): what the estimate methods know of the property (EstimateContext)."""
    uses = []
    for m in prop.meters:
        use = MeterUse(m, meter_factor(m))
        use.span = cu.over_period(m, prop.readings.get(m.id, []), prop.start, prop.end, dd)
        if use.span is not None and m.no_heat_units and m.kind == "hca":
            # EN 834/835: the registration an allocator may make without heat is deducted
            before = use.span.amount
            use.span.amount = max(Decimal(0), before - m.no_heat_units)
            use.span.notes.append("fradrag %s enheder uden varme (EN 834)"
                                  % dk.number(m.no_heat_units, 0))
            use.span.scale *= use.span.amount / before if before else 1
        uses.append(use)
    ctx = context(prop, uses)
    order = prop.split.get("estimate_order") or METHODS
    for use in uses:
        m = use.meter
        if use.span is None:
            use.estimate = estimate(m, use.factor, KIND_POOL[m.kind], ctx, order)
            _limit_to_service(use, prop, dd)
        elif use.span.how:
            use.estimate = Estimate(m.id, KIND_POOL[m.kind], "aflæsningerne dækker ikke hele "
                                    "perioden", use.span.how, use.span.amount * use.factor,
                                    {"hca": "enheder", "heat": "kWh"}.get(m.kind, "m³"))
    return uses


def in_service(m, prop):
    """The part of the period a meter hung on the radiator or pipe: until its successor's
    first reading, from its predecessor's last (meters.csv replaced_by)."""
    lo, hi = prop.start, prop.end
    after = prop.readings.get(m.replaced_by) if m.replaced_by else None
    inside = [r for r in after or () if prop.start <= r.date <= prop.end]
    if inside:
        hi = inside[0].date - cu.ONE_DAY
    before = prop.readings.get(m.replaces) if m.replaces else None
    inside = [r for r in before or () if prop.start <= r.date <= prop.end]
    if inside:
        lo = inside[-1].date + cu.ONE_DAY
    return lo, hi


def _limit_to_service(use, prop, dd):
    """An unread meter replaced during the period (or replacing one) is estimated only for
    the time it was in service, by degree days (heating) or days (water)."""
    lo, hi = in_service(use.meter, prop)
    if (lo, hi) == (prop.start, prop.end):
        return
    period = (prop.start, prop.end)
    if use.meter.kind in cu.HEATING:
        part = dd.between(lo, hi, period) if lo <= hi else 0.0
        whole, how = dd.between(prop.start, prop.end, period), "graddage"
    else:
        part, whole, how = max(0, (hi - lo).days + 1), prop.days, "dage"
    ratio = Decimal(str(part / whole)) if whole else Decimal(0)
    e = use.estimate
    e.value = (e.value * ratio).quantize(Decimal("0.001"))
    e.method += "; kun for tiden i brug %s–%s: × %s (%s)" % (
        dk.date(lo), dk.date(hi), dk.number(ratio, 4), how)


def share_weights(segs, kind, prop, dd, lo=None, hi=None):
    """How consumption between two readings (dates lo..hi, default the period) is shared by
    the segments where no move reading exists: each segment's calendar days inside lo..hi,
    or for heating with [split] moves = degree_days its degree days there."""
    lo, hi = max(lo or prop.start, prop.start), min(hi or prop.end, prop.end)
    parts = [(max(s.start, lo), min(s.end, hi)) for s in segs]
    if kind in cu.HEATING and prop.split.get("moves") == "degree_days":
        period = (prop.start, prop.end)
        return [dd.between(a, b, period) if a <= b else 0.0 for a, b in parts], \
            "graddage (%s)" % dd.source(*period)
    return [float((b - a).days + 1) if a <= b else 0.0 for a, b in parts], "kalenderdage"


def split_uses_at_moves(uses, segs, prop, dd):
    """Every use split over its apartment's segments (tenancies and vacancies)."""
    by_apt = {}
    for s in segs:
        by_apt.setdefault(s.apartment.id, []).append(s)
    for u in uses:
        split_at_moves(u, by_apt[u.meter.apartment], prop, dd)


def split_at_moves(use, segs, prop, dd):
    """use.per_segment: the meter's consumption in each of its apartment's segments, read
    between move readings; runs of segments without a reading between them share by
    share_weights, and say so. An estimated meter is shared by share_weights; a meter read
    over part of the period keeps its read part per segment, and the extrapolated rest is
    shared over the time its readings do not cover."""
    if use.span is None:
        weights, wname = share_weights(segs, use.meter.kind, prop, dd,
                                       *in_service(use.meter, prop))
        use.per_segment = _shared(segs, 0, len(segs), weights, wname, use.consumption,
                                  None, None)
        return
    rs = cu.period_readings(prop.readings.get(use.meter.id, []), prop.start, prop.end)
    anchors = [use.span.first] + [_anchor(use, rs, s.end) for s in segs[:-1]] + \
        [use.span.last]
    known = [k for k, a in enumerate(anchors) if a is not None]
    out = []
    for k0, k1 in zip(known, known[1:]):
        part = rs[rs.index(anchors[k0]):rs.index(anchors[k1]) + 1]
        amount, _ = cu.rise(part, use.meter.kind)
        if not use.span.how:
            amount *= use.span.scale        # the EN 834 allowance, pro rata
        weights, wname = share_weights(segs, use.meter.kind, prop, dd, anchors[k0].date,
                                       anchors[k1].date)
        out += _shared(segs, k0, k1, weights, wname, amount, anchors[k0], anchors[k1])
    if use.span.how:
        _share_extrapolated(use, out, prop, dd)
    use.per_segment = out


def _share_extrapolated(use, out, prop, dd):
    """Add the extrapolated part of a meter to the segments its readings do not cover."""
    extra = use.span.amount - sum(p.amount for _, p in out)
    lo, hi = use.span.first.date, use.span.last.date
    heat = use.meter.kind in cu.HEATING
    period = (prop.start, prop.end)

    def unread(s):
        parts = [(s.start, min(s.end, lo - cu.ONE_DAY)), (max(s.start, hi + cu.ONE_DAY), s.end)]
        return sum(dd.between(a, b, period) if heat else (b - a).days + 1
                   for a, b in parts if a <= b)
    w = [unread(s) for s, _ in out]
    if not sum(w):
        w = [float(s.days) for s, _ in out]
    total = sum(w)
    for (s, p), wi in zip(out, w):
        if total and wi:
            p.amount += extra * Decimal(str(wi / total))
            p.shared = (p.shared + "; " if p.shared else "") + "skønnet for dagene uden " \
                "aflæsning (%s)" % ("graddage" if heat else "kalenderdage")


def _anchor(use, rs, last_day):
    if last_day < use.span.first.date:
        return use.span.first           # a successor not yet installed
    if last_day >= use.span.last.date:
        return use.span.last            # a replaced meter already taken down
    return cu.at_move(rs, last_day)


def run_shares(weights, k0, k1, wname):
    """How a consumption read over segments k0..k1-1 is shared between them: ([(share,
    weight)], weights' name, their total); equal parts where the weights are all 0."""
    w = weights[k0:k1]
    if not sum(w):
        w, wname = [1.0] * (k1 - k0), "lige dele"     # no days between them: never drop it
    total = sum(w)
    return [(Decimal(str(x / total)) if total else Decimal(0), x) for x in w], wname, total


def share_note(wname, weight, total):
    """What a statement says of a consumption shared at a move without a reading."""
    digits = 1 if "grad" in wname else 0
    return "ingen aflæsning ved flytningen; fordelt efter %s: %s af %s" % (
        wname, dk.number(weight, digits), dk.number(total, digits))


def _shared(segs, k0, k1, weights, wname, amount, first, last):
    part = segs[k0:k1]
    shares, wname, total = run_shares(weights, k0, k1, wname)
    if len(part) == 1:
        return [(part[0], SegmentUse(amount, first, last, ""))]
    return [(s, SegmentUse(amount * share, first, last, share_note(wname, w, total)))
            for s, (share, w) in zip(part, shares)]


@dataclass
class CostSums:
    """The cost lines summed per pool (øre) and the pool amounts derived from them."""
    fixed: int
    variable: int            # after exclude
    exclude: int
    cold_water: int
    fee: int
    amounts: dict            # pool key -> øre

    @property
    def heating_total(self):
        return self.fixed + self.variable


def pool_amounts(prop, kinds=None):
    """The pools (øre); kinds: the meter kinds the property has (default: its meters')."""
    sums = {k: sum(c[2] for c in prop.costs if c[0] == k) for k in
            ("fixed", "variable", "exclude", "cold_water", "fee")}
    variable = sums["variable"] - sums["exclude"]
    sp = prop.split
    hot = _round(variable * Decimal(str(sp["hot_water_share"])))
    heating = variable - hot
    pipe = _round(heating * Decimal(str(sp["pipe_loss_share"])))
    meters = heating - pipe
    kinds = kinds if kinds is not None else {m.kind for m in prop.meters}
    tap = _round(hot * Decimal(str(sp["tap_share"]))) if "hot_water" in kinds else hot
    amounts = {"fixed": sums["fixed"], "pipe": pipe}
    if "hca" in kinds and "heat" in kinds:
        kwh = _round(meters * Decimal(str(sp["heat_kwh_share"])))
        amounts.update(heat_hca=meters - kwh, heat_kwh=kwh)
    elif "hca" in kinds:
        amounts["heat_hca"] = meters
    else:
        amounts["heat_kwh"] = meters
    amounts.update(taps=tap, hot_water=hot - tap, cold_water=sums["cold_water"], fee=sums["fee"])
    return CostSums(sums["fixed"], variable, sums["exclude"], sums["cold_water"], sums["fee"],
                    amounts)


def segment_bases(prop, segs, uses, dd):
    """Basis per pool and segment (numpy arrays over segments)."""
    n = len(segs)
    frac = np.array([s.days / prop.days for s in segs])
    frac_heat = frac
    if prop.split.get("moves") == "degree_days":
        whole = dd.between(prop.start, prop.end, (prop.start, prop.end))
        frac_heat = np.array([dd.between(s.start, s.end, (prop.start, prop.end)) / whole
                              for s in segs])
    apts = [s.apartment for s in segs]
    ftal = np.array([float(a.fordelingstal * (1 - a.reduction)) for a in apts])
    taps = np.array([float(a.taps) for a in apts])
    if not any(m.kind == "hot_water" for m in prop.meters):
        # no hot-water meters: tap shares plus extra shares per room (værelseshaneandele)
        taps = taps + float(prop.split.get("room_share", 0)) * \
            np.array([float(a.rooms) for a in apts])
    bases = {"fixed": ftal * frac, "pipe": ftal * frac_heat, "taps": taps * frac,
             "fee": np.array([float(a.fee_units) for a in apts]) * frac}
    for key in ("heat_hca", "heat_kwh", "hot_water", "cold_water"):
        bases[key] = np.zeros(n)
    pos = {id(s): j for j, s in enumerate(segs)}
    for u in uses:
        for s, part in u.per_segment:
            basis = float(part.amount * u.factor)
            bases[KIND_POOL[u.meter.kind]][pos[id(s)]] += basis
            if u.meter.kind == "hot_water":
                # the water bill covers cold water and the cold water that is heated
                bases["cold_water"][pos[id(s)]] += basis
    return bases, ftal * frac


@gc_paused
def settle(prop: Property, progress=None):
    """The settlement of a property: over its tables (fordel.settle.arrays) when it was
    read by property.load, else meter by meter (settle_objects)."""
    if getattr(prop, "tables", None) is not None:
        from . import arrays
        return arrays.settle(prop, progress)
    return settle_objects(prop, progress)


def settle_objects(prop, progress=None):
    index = {a.id: i for i, a in enumerate(prop.apartments)}
    dd = DegreeDays(prop.degree_days)
    audit = ["Indlæst og kontrolleret: %d lejligheder, %d målere, %d lejemål, %d udgiftslinjer"
             % (len(prop.apartments), len(prop.meters), len(prop.tenancies), len(prop.costs))]
    audit += prop.notes
    uses = read_meters(prop, dd)
    segs = segments(prop, index)
    split_uses_at_moves(uses, segs, prop, dd)
    estimated = [u for u in uses if u.span is None]
    if estimated:
        audit.append("Skønnet %d %s uden aflæsninger (%s)" % (
            len(estimated), "måler" if len(estimated) == 1 else "målere",
            "; ".join("%s: %s" % (u.meter.id, u.estimate.method) for u in estimated)))
    costs = pool_amounts(prop)
    bases, ftal_t = segment_bases(prop, segs, uses, dd)
    audit.append("Puljer dannet: variabel %s (efter fradrag %s), %s" % (
        dk.kr(costs.variable), dk.kr(costs.exclude), ", ".join(
            "%s %s" % (POOL_NAMES[k][0].lower(), dk.kr(v)) for k, v in costs.amounts.items())))
    pools, amounts, fallback = distribute(costs, bases, ftal_t, progress)
    audit.append("Fordelt med største rest: hver pulje til øre, %d lejemål" % len(segs))
    uses_of = {}
    for u in uses:
        uses_of.setdefault(u.meter.apartment, []).append(u)
    heat = "heat_hca" if bases["heat_hca"].sum() > 0 else "heat_kwh"
    area = float(sum(a.area_m2 for a in prop.apartments))
    per_m2 = float(bases[heat].sum()) / area if area else 0.0
    shares = Shares(pools, amounts, bases, heat, per_m2)
    statements = StatementList(prop, segs, shares, uses_of)
    checks = run_checks(prop, pools, costs, uses, bases, segs, dd)
    for key in fallback:
        checks.append(checks_fallback(key))
    return Result(prop.name, prop.address, prop.start, prop.end, prop.days, prop.issued,
                  prop.utility_statement_date, deadline(prop), pools, statements, checks,
                  audit, eed_series(prop))


def checks_fallback(key):
    from .checks import Check
    return Check("Fordelingsnøgle", False, "warning",
                 "%s: intet forbrug målt i perioden; fordelt efter fordelingstal"
                 % POOL_NAMES[key][0])


def distribute(costs, bases, ftal_t, progress=None):
    """Pools with their unit prices, and each pool's øre per segment (largest remainder)."""
    pools, amounts, fallback = [], {}, []
    consumption_total = costs.heating_total
    for key, amount in costs.amounts.items():
        if amount == 0 and key != "fixed":
            continue
        b = bases[key]
        if b.sum() <= 0:
            # nothing measured for this pool: never drop money, share it by fordelingstal
            fallback.append(key)
            b = bases[key] = ftal_t
        total = Decimal(str(round(float(b.sum()), 6)))
        if total <= 0:
            raise ValueError("pool %s has %d øre and no basis to share it by" % (key, amount))
        amounts[key] = largest_remainder(amount, b)
        name, unit = POOL_NAMES[key]
        share = Decimal(amount) / Decimal(consumption_total) \
            if key not in ("cold_water", "fee") and consumption_total else None
        pools.append(Pool(key, name, unit, int(amount), total,
                          Decimal(amount) / 100 / total, share))
        if progress:
            progress(1)
    return pools, amounts, fallback


@dataclass
class Shares:
    """The distributed pools: øre and basis per pool and segment, and the property's
    heating consumption per m² for the comparison."""
    pools: list
    amounts: dict
    bases: dict
    heat_key: str
    heat_per_m2: float


class StatementList(Sequence):
    """One statement per segment, each built when read (statement_of): a property's
    statements are never all in memory at once; the renderers stream them."""

    def __init__(self, prop, segs, shares, uses_of):
        self.prop, self.segs, self.shares, self.uses_of = prop, segs, shares, uses_of

    def __len__(self):
        return len(self.segs)

    def __getitem__(self, j):
        if isinstance(j, slice):
            return [self[k] for k in range(*j.indices(len(self)))]
        s = self.segs[j]
        return statement_of(self.prop, s, j % len(self.segs), self.shares,
                            self.uses_of.get(s.apartment.id, []))

    def tenancy_ids(self):
        return [s.id for s in self.segs]


def statement_of(prop, s, j, shares, own):
    """The statement of segment j; `own`: the MeterUse of its apartment's meters."""
    a = s.apartment
    bases, heat = shares.bases, shares.heat_key
    lines = [Line(p.key, Decimal(str(round(float(bases[p.key][j]), 6))),
                  int(shares.amounts[p.key][j])) for p in shares.pools if bases[p.key][j] > 0]
    total = sum(line.amount_ore for line in lines)
    readings = [reading_row(u, part) for u in own for seg, part in u.per_segment
                if seg is s and not _outside_its_time(u, part)]
    shared = sorted({r.note.split(";")[0] for r in readings if "fordelt efter" in r.note})
    frac = s.days / prop.days
    own_heat = float(bases[heat][j]) / float(a.area_m2) / frac if frac else 0.0
    return Statement(
        s.id, a.id, a.label, s.tenant, s.start, s.end, s.days, lines, total, s.aconto_ore,
        total - s.aconto_ore, [u.estimate for u in own if u.estimate is not None],
        [FixedKey("Fordelingstal", a.fordelingstal * (1 - a.reduction),
                  Decimal(str(round(float(a.fordelingstal * (1 - a.reduction)) * frac, 6)))),
         FixedKey("Haneandele", a.taps, Decimal(str(round(float(a.taps) * frac, 6))))],
        reduction_of(a, own), readings,
        [Comparison("Varme pr. m² (helt år)", Decimal(str(round(own_heat, 2))),
                    Decimal(str(round(shares.heat_per_m2, 2))),
                    "enheder/m²" if heat == "heat_hca" else "kWh/m²")],
        s.vacant, "; ".join(shared))


def reduction_of(a, uses):
    """Where the apartment's reduction for exposed location is given (seed 001 ¶32: in the
    fordelingstal, in the units or on the meter's scale)."""
    where = []
    if a.reduction > 0:
        where.append("%s i fordelingstallet" % dk.percent(a.reduction, 1))
    unit = sorted({u.meter.reduction for u in uses if u.meter.kind == "hca"
                   and u.meter.scale == "unit" and u.meter.reduction > 0})
    if unit:
        where.append("%s som faktor på varmefordelingsmålerne (enhedsskala)"
                     % " / ".join(dk.percent(r, 1) for r in unit))
    product = sorted({u.meter.reduction for u in uses if u.meter.kind == "hca"
                      and u.meter.scale == "product" and u.meter.reduction > 0})
    if product:
        where.append("%s allerede i målernes tælling (produktskala; ikke fratrukket igen)"
                     % " / ".join(dk.percent(r, 1) for r in product))
    if not where:
        return Reduction(False, "", "")
    return Reduction(True, "; ".join(where), "")


def _outside_its_time(u, part):
    """A replaced meter after its final reading, or its successor before its first."""
    return (u.meter.replaced_by or u.meter.replaces) and part.first is part.last \
        and part.amount == 0


def reading_row(u, part):
    m = u.meter
    first, last = part.first, part.last
    consumption = part.amount
    note = "; ".join(x for x in [part.shared] + (u.span.notes if u.span else []) if x)
    # the collector records behind the readings: kept for the export and audit, not printed
    refs = tuple(r.ref for r in (first, last) if r is not None and r.ref)
    if u.span is None:
        note = "beregnet forbrug (punkt 5)" + ("; " + part.shared if part.shared else "")
    return Reading(
        m.id, KIND_DK[m.kind], m.room, first.value if first else None,
        last.value if last else None, consumption.quantize(Decimal("0.001")),
        u.factor if m.kind == "hca" or u.factor != 1 else None, (consumption * u.factor).quantize(
            Decimal("0.001")), {"hca": "enheder", "heat": "kWh"}.get(m.kind, "m³"), note,
        0 if m.kind == "hca" else 3, refs, first.date if first else None,
        last.date if last else None, _how(u, first, "start"), _how(u, last, "end"))


def _how(u, r, end):
    """How a reading was obtained, for the statement."""
    if r is None:
        return "ingen aflæsning"
    if r.kind == "final":
        return "slutaflæsning (måler udskiftet)"
    if r.kind == "start" or (end == "start" and u.meter.replaces and r is u.span.first):
        return "første aflæsning (ny måler)"
    if u.span is not None and u.span.late and r is u.span.first:
        return "første aflæsning; tiden før er skønnet"
    if u.span is not None and u.span.early and r is u.span.last:
        return "sidste aflæsning; tiden efter er skønnet"
    if u.span is not None and r is u.span.first:
        return "aflæsning ved periodens start"
    if u.span is not None and r is u.span.last:
        return "slutaflæsning (måler udskiftet)" if u.meter.replaced_by else \
            "aflæsning ved periodens slutning"
    return "flytteaflæsning"


def _round(x):
    return int(Decimal(str(x)).quantize(Decimal(1), rounding=ROUND_HALF_UP))
