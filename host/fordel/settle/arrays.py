"""The settlement over arrays: the same rules as fordel.settle.allocate's per-meter steps,
for a property read by property.load (its tables).

Most apartments are plain: one tenancy (or none) over the whole period, and meters whose
readings open and close the period with only increases between (no replacement, reset,
late start, early stop or EN 834 allowance). For those, a meter's consumption is its
closing minus its opening reading, computed for all of them at once in exact integers
(readings × 10^scale, factors × 10^scale, so each basis is the float of the exact product,
as the per-meter rules give it). Every other apartment (moves, replacements, resets,
missing readings: estimates) goes through the per-meter rules of allocate and consumption
on objects made for those apartments only. Both feed the same arrays of bases per
tenancy, and one largest-remainder split per pool covers them all.
"""
import datetime
from decimal import Decimal
from typing import NamedTuple

import numpy as np

from . import allocate as al
from . import columns as co
from . import consumption as cu
from . import tables as tb
from .property import Property

HEATING_KINDS = (0, 1)


class Span(NamedTuple):
    """A segment's days, for allocate.share_weights."""
    start: datetime.date
    end: datetime.date

    @property
    def days(self):
        return (self.end - self.start).days + 1
                       # tables.KINDS: hca, heat
POOL_OF_KIND = [al.KIND_POOL[k] for k in tb.KINDS]


class Plain:
    """Which meters and apartments the array rules settle, and the readings that open and
    close each plain meter's period."""

    def __init__(self, prop):
        t = prop.tables
        m, r, a = t.meters, t.readings, t.apartments
        start, end = prop.start.toordinal(), prop.end.toordinal()
        n = len(m)
        key = (r.meter.astype(np.int64) << 32) | (r.date.astype(np.int64) << 2)
        ids = np.arange(n, dtype=np.int64) << 32
        self.lo = np.searchsorted(key, ids | ((start - 1) << 2))
        self.hi = np.searchsorted(key, ids | ((end + 1) << 2))
        del key, ids
        self.lo, self.hi = self.lo.astype(np.int32), self.hi.astype(np.int32)
        inside = self.hi - self.lo
        ok = inside >= 2
        other = np.concatenate([[0], np.cumsum(r.kind != tb.READING, dtype=np.int32)])
        ok &= other[self.hi] - other[self.lo] == 0
        del other
        nxt = np.arange(1, len(r.meter))
        special = np.zeros(max(len(r.meter), 1), dtype=np.int32)
        if len(nxt):
            special[1:] = r.lower_than_before()
            sets = np.flatnonzero(r.has_set[1:]) + 1       # set dates: few or none
            prev = sets - 1
            special[sets] |= (m.kind[r.meter[sets]] == tb.HCA) & \
                r.crosses_set_date(prev, sets)
        cs = np.concatenate([[0], np.cumsum(special, dtype=np.int32)])
        del special, nxt
        top = len(cs) - 1
        after = np.minimum(self.lo + 1, top)
        ok &= (cs[np.clip(self.hi, after, top)] - cs[after]) == 0
        if len(r.date):
            first = np.where(ok, r.date[np.minimum(self.lo, len(r.date) - 1)], 0)
            last = np.where(ok, r.date[np.maximum(self.hi - 1, 0)], 0)
        else:                            # no readings at all: every meter is estimated
            first = last = np.zeros(n, dtype=np.int64)
        ok &= (first <= start + cu.GAP_DAYS) & (last >= end - cu.GAP_DAYS)
        ok[list(m.successor)] = False
        ok[list(m.replaces)] = False
        ok &= ~((m.kind == tb.HCA) & m.no_heat.where(lambda v: v > 0))
        bad_apts = np.bincount(m.apt[~ok], minlength=len(a)) > 0
        self.apartment = ~bad_apts & self._one_tenancy(prop, t)
        self.moves = Moves(prop, np.flatnonzero(~bad_apts & ~self.apartment), ok, self)
        self.arrays = self.apartment | self.moves.apartment   # settled in arrays
        self.meter = ok & self.arrays[m.apt]            # their meters

    def _one_tenancy(self, prop, t):
        """Apartments with at most one tenancy in the period, covering all of it (or none:
        a vacancy the whole period). self.tenancy: that tenancy's row, -1 for none."""
        start, end = prop.start.toordinal(), prop.end.toordinal()
        ten = t.tenancies
        n = len(t.apartments)
        inside = (ten.move_in <= end) & (ten.move_out >= start)
        count = np.bincount(ten.apt[inside], minlength=n)
        whole = inside & (ten.move_in <= start) & (ten.move_out >= end)
        self.tenancy = np.full(n, -1, dtype=np.int64)
        rows = np.flatnonzero(whole)
        self.tenancy[ten.apt[rows]] = rows
        return (count == 0) | ((count == 1) & (self.tenancy >= 0))


class Moves:
    """Apartments whose tenants moved (or whose tenancy covers part of the period) and
    whose meters are plain: each tenancy's consumption is read between the readings on the
    move days (the outgoing tenancy's last day, else the next day: allocate._anchor /
    consumption.at_move); where a move day has none, the consumption between the readings
    around it is shared by days (`shared`, allocate.run_shares). segments: (apartment,
    start, end, id, tenancy row or -1, vacant) in allocate.segments' order; anchors(i): per
    meter of these apartments (`meters`), the readings that bound each of its apartment's
    segments."""

    def __init__(self, prop, candidates, meter_ok, plain):
        t = prop.tables
        n_apts = len(t.apartments)
        self.apartment = np.zeros(n_apts, dtype=bool)
        self.count = np.zeros(n_apts, dtype=np.int64)
        self.segments = []
        self.first_segment = {}
        self.shared = {}
        if not len(candidates):
            self.meters = np.zeros(0, dtype=np.int64)
            self.start = np.zeros(1, dtype=np.int64)
            self.flat = np.zeros(0, dtype=np.int64)
            return
        segs = self._segments(prop, candidates)
        m = t.meters
        mine = np.flatnonzero(np.isin(m.apt, candidates))
        # every (meter, move day) pair: the day each segment but the last ends
        ends = {a: [g[2] for g in ss[:-1]] for a, ss in segs.items()}
        counts = np.array([len(ends[int(a)]) for a in m.apt[mine]], dtype=np.int64)
        pair_meter = np.repeat(mine, counts)
        pair_day = np.array([d for a in m.apt[mine] for d in ends[int(a)]], dtype=np.int64)
        found, at = self._anchors(prop, pair_meter, pair_day, plain)
        at[~found] = -1
        keep = [int(a) for a in candidates]
        self.apartment[keep] = True
        self.meters = mine
        # each meter's anchors, flat: its first reading, one per move day, its last
        self.start = np.concatenate([[0], np.cumsum(counts + 2)])
        self.flat = np.empty(int(self.start[-1]), dtype=np.int64)
        ends_at = np.zeros(len(self.flat), dtype=bool)
        ends_at[self.start[:-1]] = ends_at[self.start[1:] - 1] = True
        self.flat[self.start[:-1]] = plain.lo[mine]
        self.flat[self.start[1:] - 1] = plain.hi[mine] - 1
        self.flat[~ends_at] = at
        self.shared = self._shared(prop, segs, mine[np.bincount(
            np.repeat(np.arange(len(mine)), counts)[~found], minlength=len(mine)) > 0])
        for a in keep:
            self.first_segment[a] = len(self.segments)
            self.segments += segs[a]
            self.count[a] = len(segs[a])

    def anchors(self, i):
        """Meter i's anchors: the reading indices bounding each segment (-1: none)."""
        j = int(np.searchsorted(self.meters, i))
        return self.flat[self.start[j]:self.start[j + 1]].tolist()

    def _shared(self, prop, segs, meters):
        """{(meter, segment): (opening reading, closing reading, consumption, note)} where
        a move day has no reading: the consumption between the readings around it shared
        by days (or degree days), by allocate.share_weights and allocate._shared."""
        out = {}
        if not len(meters):
            return out
        t = prop.tables
        r, dd = t.readings, al.DegreeDays(prop.degree_days)
        for i in meters:
            i = int(i)
            spans = [Span(datetime.date.fromordinal(g[1]), datetime.date.fromordinal(g[2]))
                     for g in segs[int(t.meters.apt[i])]]
            anchors = self.anchors(i)
            kind = tb.KINDS[t.meters.kind[i]]
            known = [k for k, x in enumerate(anchors) if x >= 0]
            for k0, k1 in zip(known, known[1:]):
                if k1 - k0 == 1:
                    continue
                a0, a1 = anchors[k0], anchors[k1]
                amount = (r.value(a1) - r.value(a0)) * Decimal(1)
                weights, wname = al.share_weights(
                    spans, kind, prop, dd, datetime.date.fromordinal(int(r.date[a0])),
                    datetime.date.fromordinal(int(r.date[a1])))
                shares, wname, total = al.run_shares(weights, k0, k1, wname)
                for k, (share, w) in zip(range(k0, k1), shares):
                    out[(i, k)] = (a0, a1, amount * share, (wname, w, total))
        return out

    @staticmethod
    def _segments(prop, apartments):
        """allocate.segments for the given apartments, in day ordinals."""
        t = prop.tables
        ten = t.tenancies
        start, end = prop.start.toordinal(), prop.end.toordinal()
        inside = np.flatnonzero((ten.move_in <= end) & (ten.move_out >= start) &
                                np.isin(ten.apt, apartments))
        order = inside[np.lexsort((inside, ten.move_in[inside], ten.apt[inside]))]
        own = {}
        for r in order:
            own.setdefault(int(ten.apt[r]), []).append(int(r))
        out = {}
        for a in apartments:
            a = int(a)
            apt_id, d, segs = t.apartments.ids[a], start, []
            for r in own.get(a, ()):
                lo, hi = max(int(ten.move_in[r]), start), min(int(ten.move_out[r]), end)
                if lo > d:
                    segs.append((a, d, lo - 1, "%s-ledig-%s" % (
                        apt_id, datetime.date.fromordinal(d).isoformat()), -1, True))
                segs.append((a, lo, hi, None, r, False))
                d = hi + 1
            if d <= end:
                ident = "%s-ledig-%s" % (apt_id, datetime.date.fromordinal(d).isoformat()) \
                    if own.get(a) else apt_id
                segs.append((a, d, end, ident, -1, True))
            out[a] = segs
        return out

    @staticmethod
    def _anchors(prop, meters, days, plain):
        """The reading (index) that closes each pair's segment (allocate._anchor): the
        meter's first reading for a day before it, its last for a day on or after it, else
        its last reading on that day, else on the next day. (found, index) per pair."""
        r = prop.tables.readings
        lo, hi = plain.lo[meters].astype(np.int64), plain.hi[meters].astype(np.int64) - 1
        first, last = r.date[lo], r.date[hi]
        at = np.where(days < first, lo, hi)
        found = (days < first) | (days >= last)
        key = (r.meter.astype(np.int64) << 32) | (r.date.astype(np.int64) << 2)
        for later in (0, 1):             # the move day, else the next day
            need = ~found
            day = days[need] + later
            k = np.searchsorted(key, (meters[need].astype(np.int64) << 32) |
                                ((day + 1) << 2)) - 1
            k = np.maximum(k, 0)
            hit = (k >= lo[need]) & (k <= hi[need]) & (r.date[k] == day)
            idx = np.flatnonzero(need)[hit]
            at[idx] = k[hit]
            found[idx] = True
        return found, at


def meter_bases(prop, plain):
    """float basis (consumption over the period × factor) of each meter settled in arrays
    (0 for the others), and their indices."""
    idx = np.flatnonzero(plain.meter)
    out = np.zeros(len(prop.tables.meters))
    out[idx] = exact_bases(prop, idx, plain.lo[idx], plain.hi[idx] - 1)
    return out, idx


def sub_property(prop, apartments):
    """A Property with objects for the given apartments only (their meters, tenancies and
    readings), for the per-meter rules."""
    t = prop.tables
    keep = np.zeros(len(t.apartments), dtype=bool)
    keep[apartments] = True
    meters = np.flatnonzero(keep[t.meters.apt])
    tenancies = np.flatnonzero(keep[t.tenancies.apt])
    mobjs = [t.meters.obj(i) for i in meters]
    readings = {mo.id: t.readings.of(i) for i, mo in zip(meters, mobjs)
                if t.readings.start[i + 1] > t.readings.start[i]}
    sub = Property(prop.folder, prop.name, prop.address, prop.start, prop.end, prop.issued,
                   prop.utility_statement_date, prop.split,
                   [t.apartments.obj(i) for i in apartments], mobjs,
                   [t.tenancies.obj(i) for i in tenancies], prop.costs, readings,
                   prop.degree_days, prop.notes)
    return sub, meters


class Context(al.EstimateContext):
    """The estimate methods' view: the per-meter uses of the other apartments, and the
    plain apartments' read meters as totals per kind (exact), for property_average."""

    def __init__(self, prop, sub, uses, plain):
        super().__init__(sub, uses)
        self.whole, self.plain = prop, plain

    def area(self, apt):
        return self._area[apt]

    def fully_read(self, kind):
        if kind not in self._fully_read:
            total, area = super().fully_read(kind)
            t = self.whole.tables
            code = tb.KINDS.index(kind)
            mine = np.flatnonzero(self.plain.meter & (t.meters.kind == code))
            total += self._plain_total(mine)
            apts = np.unique(t.meters.apt[mine])
            area += sum((t.apartments.area[int(k)] for k in apts), Decimal(0))
            self._fully_read[kind] = (total, area)
        return self._fully_read[kind]

    def _plain_total(self, mine):
        """Σ (closing − opening) × factor over plain meters, exact."""
        t = self.whole.tables
        r, m = t.readings, t.meters
        lo, hi = self.plain.lo[mine], self.plain.hi[mine] - 1
        if r.ints is None:
            return sum(((r.value(h) - r.value(k)) * m.factor(i)
                        for i, k, h in zip(mine, lo, hi)), Decimal(0))
        cons = r.ints[hi] - r.ints[lo]
        total = Decimal(0)
        for c, f in enumerate(m.factors):
            pick = m.coding[mine] == c
            if pick.any():
                s = cons[pick]
                whole = (int((s >> 32).sum()) << 32) + int((s & 0xFFFFFFFF).sum())
                total += Decimal(whole).scaleb(-r.scale) * f
        return total


def settle(prop, progress=None):
    """allocate.Result for a property read by property.load."""
    t = prop.tables
    dd = al.DegreeDays(prop.degree_days)
    audit = ["Indlæst og kontrolleret: %d lejligheder, %d målere, %d lejemål, %d udgiftslinjer"
             % (len(t.apartments), len(t.meters), len(t.tenancies), len(prop.costs))]
    audit += prop.notes
    plain = Plain(prop)
    basis, plain_idx = meter_bases(prop, plain)
    others = np.flatnonzero(~plain.arrays)
    sub, sub_meters = sub_property(prop, others)
    uses = al.read_meters(sub, dd, lambda p, u: Context(prop, p, u, plain))
    index = {a.id: int(i) for i, a in zip(others, sub.apartments)}
    segs = al.segments(sub, index)
    al.split_uses_at_moves(uses, segs, sub, dd)
    estimated = [u for u in uses if u.span is None]
    if estimated:
        audit.append("Skønnet %d %s uden aflæsninger (%s)" % (
            len(estimated), "måler" if len(estimated) == 1 else "målere",
            "; ".join("%s: %s" % (u.meter.id, u.estimate.method) for u in estimated)))
    layout = Layout(prop, plain, segs)
    costs = al.pool_amounts(prop, kinds_of(t))
    bases, ftal_t = segment_bases(prop, layout, basis, plain, uses, sub_meters)
    audit.append("Puljer dannet: variabel %s (efter fradrag %s), %s" % (
        al.dk.kr(costs.variable), al.dk.kr(costs.exclude), ", ".join(
            "%s %s" % (al.POOL_NAMES[k][0].lower(), al.dk.kr(v))
            for k, v in costs.amounts.items())))
    pools, amounts, fallback = al.distribute(costs, bases, ftal_t, progress)
    audit.append("Fordelt med største rest: hver pulje til øre, %d lejemål" % layout.n)
    uses_of = {}
    for u in uses:
        uses_of.setdefault(u.meter.apartment, []).append(u)
    heat = "heat_hca" if bases["heat_hca"].sum() > 0 else "heat_kwh"
    area = float(sum((v * int(c) for v, c in zip(t.apartments.area.values, np.bincount(
        t.apartments.area.codes, minlength=len(t.apartments.area.values)))), Decimal(0)))
    per_m2 = float(bases[heat].sum()) / area if area else 0.0
    shares = al.Shares(pools, amounts, bases, heat, per_m2)
    statements = Statements(prop, layout, shares, uses_of, plain)
    from .checks_arrays import run_checks
    checks = run_checks(prop, pools, costs, uses, sub_meters, basis, plain, dd)
    for key in fallback:
        checks.append(al.checks_fallback(key))
    from .eed_months import Deferred, eed_series_of_tables
    return al.Result(prop.name, prop.address, prop.start, prop.end, prop.days, prop.issued,
                     prop.utility_statement_date, al.deadline(prop), pools, statements, checks,
                     audit, Deferred(lambda: eed_series_of_tables(prop)))


def kinds_of(t):
    return {tb.KINDS[k] for k in np.unique(t.meters.kind) if k >= 0}


class Layout:
    """Every segment (tenancy or vacancy) of the property in the order allocate.segments
    gives them: apartments in file order, each apartment's segments by time. A plain
    apartment has one segment; the others' Segment objects come from allocate.segments."""

    def __init__(self, prop, plain, segs):
        t = prop.tables
        n_apts = len(t.apartments)
        count = np.ones(n_apts, dtype=np.int64)
        own = {}
        for s in segs:
            own.setdefault(s.apt_index, []).append(s)
        for a, ss in own.items():
            count[a] = len(ss)
        mv = plain.moves
        count[mv.apartment] = mv.count[mv.apartment]
        self.offset = np.concatenate([[0], np.cumsum(count)])
        self.n = int(self.offset[-1])
        self.apt = np.repeat(np.arange(n_apts), count)
        self.objects = {}
        for a, ss in own.items():
            for k, s in enumerate(ss):
                self.objects[int(self.offset[a]) + k] = s
        days = float(prop.days)
        self.frac = np.ones(self.n)
        self.frac_heat = self.frac
        if self.objects:
            pos = np.fromiter(self.objects, np.int64, len(self.objects))
            self.frac[pos] = [s.days / days for s in self.objects.values()]
            if prop.split.get("moves") == "degree_days":
                dd = al.DegreeDays(prop.degree_days)
                period = (prop.start, prop.end)
                whole = dd.between(prop.start, prop.end, period)
                self.frac_heat = np.ones(self.n)
                self.frac_heat[pos] = [dd.between(s.start, s.end, period) / whole
                                       for s in self.objects.values()]
        self.plain_pos = self.offset[:-1][plain.apartment]
        self._moved(prop, mv)

    def _moved(self, prop, mv):
        """Positions of the moved apartments' segments (self.moved: position -> index
        into mv.segments), and their shares of the period."""
        self.moved = {}
        if not mv.segments:
            return
        apts = np.array([g[0] for g in mv.segments], dtype=np.int64)
        within = np.arange(len(apts)) - np.array([mv.first_segment[int(a)] for a in apts])
        pos = self.offset[apts] + within
        self.moved = dict(zip(pos.tolist(), range(len(apts))))
        days = np.array([g[2] - g[1] + 1 for g in mv.segments], dtype=np.int64)
        self.frac[pos] = days / float(prop.days)
        if prop.split.get("moves") == "degree_days":
            dd = al.DegreeDays(prop.degree_days)
            period = (prop.start, prop.end)
            whole = dd.between(prop.start, prop.end, period)
            if self.frac_heat is self.frac:
                self.frac_heat = np.ones(self.n)
            self.frac_heat[pos] = [dd.between(datetime.date.fromordinal(g[1]),
                                              datetime.date.fromordinal(g[2]), period) / whole
                                   for g in mv.segments]


def segment_bases(prop, layout, basis, plain, uses, sub_meters):
    """Basis per pool and segment, as allocate.segment_bases: each segment's own meters
    added in meters.csv's order."""
    t = prop.tables
    a = t.apartments
    ftal_apt = _exact_floats(a.ftal, a.reduction, lambda f, r: f * (1 - r))
    apt = layout.apt
    ftal = ftal_apt[apt]
    taps = a.taps.floats()[apt]
    if 2 not in set(np.unique(t.meters.kind).tolist()):
        taps = taps + float(prop.split.get("room_share", 0)) * a.rooms.floats()[apt]
    frac = layout.frac
    bases = {"fixed": ftal * frac, "pipe": ftal * layout.frac_heat, "taps": taps * frac,
             "fee": a.fee.floats()[apt] * frac}
    # entries (meter, segment, pool kind, basis) in meters.csv order
    single = np.flatnonzero(plain.meter & plain.apartment[t.meters.apt])
    m_idx = [single]
    pos = [layout.offset[t.meters.apt[single]]]
    val = [basis[single]]
    moved = moved_entries(prop, layout, plain.moves)
    if moved is not None:
        for x, y in zip((m_idx, pos, val), moved):
            x.append(y)
    seg_pos = {id(s): p for p, s in layout.objects.items()}
    extra_m, extra_p, extra_v = [], [], []
    for i, u in zip(sub_meters, uses):
        for s, part in u.per_segment:
            extra_m.append(i)
            extra_p.append(seg_pos[id(s)])
            extra_v.append(float(part.amount * u.factor))
    if extra_m:
        m_idx.append(np.array(extra_m, dtype=np.int64))
        pos.append(np.array(extra_p, dtype=np.int64))
        val.append(np.array(extra_v, dtype=np.float64))
    if len(m_idx) > 1:           # several kinds of apartment: back in meters.csv's order
        m_idx, pos, val = (np.concatenate(x) for x in (m_idx, pos, val))
        order = np.argsort(m_idx, kind="stable")
        m_idx, pos, val = m_idx[order], pos[order], val[order]
    else:
        m_idx, pos, val = m_idx[0], pos[0], val[0]
    kind = t.meters.kind[m_idx]
    for k, key in enumerate(POOL_OF_KIND):
        pick = kind == k
        if k == 3:
            pick = (kind == 2) | (kind == 3)     # the water bill: cold and heated water
        bases[key] = np.bincount(pos[pick], val[pick], minlength=layout.n) if pick.any() \
            else np.zeros(layout.n)
    return bases, ftal * frac


def moved_entries(prop, layout, mv):
    """(meter, segment position, basis) of each moved apartment's meter and segment, in
    meter then segment order; None without moved apartments."""
    if not len(mv.meters):
        return None
    t = prop.tables
    segments = np.diff(mv.start) - 1                 # per meter: its apartment's segments
    opening = np.ones(len(mv.flat), dtype=bool)
    opening[mv.start[1:] - 1] = False
    at = np.flatnonzero(opening)
    first, last = mv.flat[at], mv.flat[at + 1]
    meters = np.repeat(mv.meters, segments)
    seg_start = np.cumsum(segments) - segments
    k = np.arange(len(meters)) - np.repeat(seg_start, segments)
    pos = layout.offset[t.meters.apt[meters]] + k
    val = exact_bases(prop, meters, np.maximum(first, 0), np.maximum(last, 0))
    if mv.shared:                        # shared by days: the per-meter rules' Decimal
        where = np.searchsorted(mv.meters, [i for i, _ in mv.shared])
        for j, ((i, kk), got) in zip(where, mv.shared.items()):
            val[seg_start[j] + kk] = float(got[2] * t.meters.factor(i))
    return meters, pos, val


def exact_bases(prop, meters, first, last):
    """float((reading last − reading first) × factor) per meter: the exact product's float
    where the readings are exact integers at their scale, else float arithmetic."""
    m, r = prop.tables.meters, prop.tables.readings
    factors = m.factors
    f_scale = max([max(0, -f.as_tuple().exponent) for f in factors] or [0])
    if r.ints is not None and f_scale <= 9:
        f_int = np.array([int(f.scaleb(f_scale)) for f in factors] or [0], dtype=np.int64)
        cons = r.ints[last] - r.ints[first]
        fac = f_int[m.coding[meters]]
        big = int(np.abs(cons).max(initial=0)) * int(np.abs(fac).max(initial=0))
        if big < 2 ** 63 and r.scale + f_scale <= 22:
            return (cons * fac) / 10.0 ** (r.scale + f_scale)
    f_float = np.array([float(f) for f in factors] or [0.0])
    return (r.floats_at(last) - r.floats_at(first)) * f_float[m.coding[meters]]


def _exact_floats(x, y, fn):
    """float(fn(x, y)) per row of two Decimals columns, each distinct pair once."""
    code, distinct = co.dense_codes([(x.codes, len(x.values)), (y.codes, len(y.values))])
    per = np.array([float(fn(x.values[i], y.values[j])) for i, j in distinct] or [0.0])
    return per[code]


class Statements(al.StatementList):
    """One statement per segment, built when read: a plain apartment's segment, meters and
    readings are made from the tables then, the others' come from the per-meter rules."""

    def __init__(self, prop, layout, shares, uses_of, plain):
        self.prop, self.layout, self.shares, self.uses_of = prop, layout, shares, uses_of
        self.plain = plain
        m = prop.tables.meters
        self._by_apt = np.argsort(m.apt, kind="stable")
        self._apt_start = np.searchsorted(m.apt[self._by_apt],
                                          np.arange(len(prop.tables.apartments) + 1))

    def __len__(self):
        return self.layout.n

    def __getitem__(self, j):
        if isinstance(j, slice):
            return [self[k] for k in range(*j.indices(len(self)))]
        if j < 0:
            j += len(self)
        if not 0 <= j < len(self):
            raise IndexError(j)
        s = self.layout.objects.get(j)
        if s is not None:
            return al.statement_of(self.prop, s, j, self.shares,
                                   self.uses_of.get(s.apartment.id, []))
        a = int(self.layout.apt[j])
        if self.plain.apartment[a]:
            s, own = self.plain_segment(a)
        else:
            s, own = self.moved_segment(a, j - int(self.layout.offset[a]),
                                        self.layout.moved[j])
        return al.statement_of(self.prop, s, j, self.shares, own)

    def moved_segment(self, a, k, g):
        """(Segment, [MeterUse]) of segment k of moved apartment a (mv.segments[g]): each
        meter read between the readings on the move days."""
        t = self.prop.tables
        _, lo, hi, ident, row, vacant = self.plain.moves.segments[g]
        apt = t.apartments.obj(a)
        start, end = datetime.date.fromordinal(lo), datetime.date.fromordinal(hi)
        if row >= 0:
            ten = t.tenancies
            s = al.Segment(apt, a, ten.ids[row], ten.tenants[int(row)].as_py(), start, end,
                           int(ten.aconto_ore[row]))
        else:
            s = al.Segment(apt, a, ident, "", start, end, 0, True)
        r = t.readings
        own = []
        for i in self._by_apt[self._apt_start[a]:self._apt_start[a + 1]]:
            anchors = self.plain.moves.anchors(int(i))
            made = {}

            def obj(x):
                if x not in made:
                    made[x] = r.obj(x)
                return made[x]
            use = al.MeterUse(t.meters.obj(i), t.meters.factor(i))
            first, last = obj(anchors[0]), obj(anchors[-1])
            use.span = cu.MeterSpan(first, last, last.value - first.value)
            got = self.plain.moves.shared.get((int(i), k))
            if got is not None:
                a0, a1, amount, note = got
                part = al.SegmentUse(amount, obj(a0), obj(a1), al.share_note(*note))
            else:
                f, la = obj(anchors[k]), obj(anchors[k + 1])
                part = al.SegmentUse((la.value - f.value) * Decimal(1), f, la, "")
            use.per_segment = [(s, part)]
            own.append(use)
        return s, own

    def plain_segment(self, a):
        """(Segment, [MeterUse]) of plain apartment a."""
        t, prop = self.prop.tables, self.prop
        apt = t.apartments.obj(a)
        row = self.plain.tenancy[a]
        if row >= 0:
            ten = t.tenancies
            s = al.Segment(apt, a, ten.ids[row], ten.tenants[int(row)].as_py(), prop.start,
                           prop.end, int(ten.aconto_ore[row]))
        else:
            s = al.Segment(apt, a, apt.id, "", prop.start, prop.end, 0, True)
        r = t.readings
        own = []
        for i in self._by_apt[self._apt_start[a]:self._apt_start[a + 1]]:
            first, last = r.obj(self.plain.lo[i]), r.obj(self.plain.hi[i] - 1)
            use = al.MeterUse(t.meters.obj(i), t.meters.factor(i))
            use.span = cu.MeterSpan(first, last, last.value - first.value)
            use.per_segment = [(s, al.SegmentUse(use.span.amount, first, last, ""))]
            own.append(use)
        return s, own

    def tenancy_ids(self):
        t = self.prop.tables
        ids = np.where(self.plain.tenancy >= 0, t.tenancies.ids[np.maximum(
            self.plain.tenancy, 0)] if len(t.tenancies) else "", t.apartments.ids.all())
        out = ids[self.layout.apt].astype(object)
        for j, s in self.layout.objects.items():
            out[j] = s.id
        segs, ten = self.plain.moves.segments, t.tenancies
        for j, g in self.layout.moved.items():
            _, _, _, ident, row, _ = segs[g]
            out[j] = ten.ids[row] if row >= 0 else ident
        return list(out)
