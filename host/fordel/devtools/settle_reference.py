"""The slow exact forms of the rules fordel.settle computes in arrays, one meter or one
tenancy at a time, for tests (host/tests/test_settle_vectorised.py) and the bench's ratio;
the product never calls this module.

- eed_series: each meter's monthly use read or interpolated with bisect over its readings,
  summed per apartment in Python (eed_months.eed_series does it over all meters at once);
- largest_remainder: exact shares in Fractions, the remaining øre to the largest fractional
  parts, ties to the lower index (allocate.largest_remainder does it in float64 arrays);
- settle_ore: every tenancy's øre per pool from the same meters, segments and pools as
  allocate.settle, with the bases (fordelingstal × days, taps and rooms, each meter's
  consumption × factors per segment, the fallback to fordelingstal) and the split exact
  (allocate.segment_bases / distribute do them in float64 arrays).
"""
import bisect
import datetime
from decimal import Decimal
from fractions import Fraction

from fordel.settle import allocate
from fordel.settle import consumption as cu
from fordel.settle.degree_days import DegreeDays
from fordel.settle.eed_months import INTERPOLATED_NOTE, MAX_GAP, EEDSeries, Month


def largest_remainder(amount_ore, bases):
    """Split amount_ore over bases (numbers or Decimals) exactly: floors of the exact
    shares, the rest one øre each to the largest fractions, ties to the lower index."""
    bases = [Fraction(b) for b in bases]
    total = sum(bases)
    if total <= 0 or amount_ore == 0:
        return [0] * len(bases)
    exact = [amount_ore * b / total for b in bases]
    floors = [int(x // 1) for x in exact]
    rest = amount_ore - sum(floors)
    order = sorted(range(len(bases)), key=lambda i: (-(exact[i] - floors[i]), i))
    for i in order[:rest]:
        floors[i] += 1
    return floors


def settle_ore(prop):
    """{segment id: {pool: øre}} for every tenancy and vacancy of the property."""
    dd = DegreeDays(prop.degree_days)
    index = {a.id: i for i, a in enumerate(prop.apartments)}
    uses = allocate.read_meters(prop, dd)
    segs = allocate.segments(prop, index)
    allocate.split_uses_at_moves(uses, segs, prop, dd)
    bases, by_ftal = exact_bases(prop, segs, uses, dd)
    out = {s.id: {} for s in segs}
    for key, amount in allocate.pool_amounts(prop).amounts.items():
        if amount == 0 and key != "fixed":
            continue
        b = bases[key] if sum(bases[key]) > 0 else by_ftal
        for s, x, ore in zip(segs, b, largest_remainder(amount, b)):
            if x > 0:
                out[s.id][key] = ore
    return out


def exact_bases(prop, segs, uses, dd):
    """Basis per pool and segment in Fractions, and fordelingstal × days (the fallback)."""
    period = (prop.start, prop.end)
    whole = Fraction(dd.between(prop.start, prop.end, period))
    frac = [Fraction(s.days, prop.days) for s in segs]
    heat = frac if prop.split.get("moves") != "degree_days" else \
        [Fraction(dd.between(s.start, s.end, period)) / whole for s in segs]
    ftal = [Fraction(s.apartment.fordelingstal * (1 - s.apartment.reduction)) for s in segs]
    rooms = Fraction(str(prop.split.get("room_share", 0))) \
        if not any(m.kind == "hot_water" for m in prop.meters) else 0
    taps = [Fraction(s.apartment.taps) + rooms * Fraction(s.apartment.rooms) for s in segs]
    bases = {"fixed": [f * d for f, d in zip(ftal, frac)],
             "pipe": [f * d for f, d in zip(ftal, heat)],
             "taps": [t * d for t, d in zip(taps, frac)],
             "fee": [Fraction(s.apartment.fee_units) * d for s, d in zip(segs, frac)]}
    for key in ("heat_hca", "heat_kwh", "hot_water", "cold_water"):
        bases[key] = [Fraction(0)] * len(segs)
    pos = {id(s): j for j, s in enumerate(segs)}
    for u in uses:
        for s, part in u.per_segment:
            basis = Fraction(part.amount) * Fraction(u.factor)
            pools = [allocate.KIND_POOL[u.meter.kind]] + \
                (["cold_water"] if u.meter.kind == "hot_water" else [])
            for key in pools:
                bases[key][pos[id(s)]] += basis
    return bases, bases["fixed"]


def eed_series(prop):
    """Monthly consumption per apartment (EED information): each meter's register rise
    between month ends, read where a reading exists on the month's last day (or the next
    day's first), else interpolated linearly between the readings around it and marked; a
    month with no readings on both sides is left empty. Against the same month a year
    earlier and the property's average."""
    months = [(y, mo) for y, mo in _months(prop.start, prop.end)]
    out = []
    for kind, qty, unit in (("hca", "Varme", "enheder"), ("hot_water", "Varmt vand", "m³"),
                            ("cold_water", "Koldt vand", "m³")):
        now, last = {}, {}
        for m in prop.meters:
            if m.kind != kind:
                continue
            curve = _cumulative(prop.readings.get(m.id, []), kind)
            _add(now.setdefault(m.apartment, [(0.0, False)] * len(months)),
                 [_month_use(curve, y, mo) for y, mo in months])
            _add(last.setdefault(m.apartment, [(0.0, False)] * len(months)),
                 [_month_use(curve, y - 1, mo) for y, mo in months])
        if not now:
            continue
        avg = []
        for k in range(len(months)):
            vs = [v[k][0] for v in now.values() if v[k] is not None]
            avg.append(sum(vs) / len(vs) if vs else None)
        for a in prop.apartments:
            if a.id not in now:
                continue
            series = EEDSeries(a.id, a.label, qty, unit, [
                Month(y, mo, _val(now[a.id][k]), _val(last[a.id][k]), avg[k],
                      bool(now[a.id][k] and now[a.id][k][1]))
                for k, (y, mo) in enumerate(months)])
            if any(x.interpolated for x in series.months):
                series.note = INTERPOLATED_NOTE
            out.append(series)
    return out


def _months(lo, hi):
    d = datetime.date(lo.year, lo.month, 1)
    while d <= hi:
        yield d.year, d.month
        d = datetime.date(d.year + (d.month == 12), d.month % 12 + 1, 1)


def _val(x):
    return None if x is None else x[0]


def _add(acc, vals):
    for k, v in enumerate(vals):
        acc[k] = None if v is None or acc[k] is None else (acc[k][0] + v[0], acc[k][1] or v[1])


def _cumulative(readings, kind):
    """(day ordinals, consumption since the first reading) with resets and replacements."""
    days, values, total = [], [], Decimal(0)
    for k, r in enumerate(readings):
        if k:
            total += cu.rise(readings[k - 1:k + 1], kind)[0]
        if days and days[-1] == r.date.toordinal():
            values[-1] = float(total)              # a replacement's final and start
            continue
        days.append(r.date.toordinal())
        values.append(float(total))
    return days, values


def _value_at(curve, day):
    """(consumption at the end of `day`, interpolated?): the reading of that day or the
    next (as at the period's start), else linear between readings at most MAX_GAP days
    apart; None without. `curve`: (days, values) sorted by day."""
    days, values = curve
    i = bisect.bisect_left(days, day)
    if i < len(days) and days[i] in (day, day + 1):
        return values[i], False
    if i == 0 or i == len(days) or days[i] - days[i - 1] > MAX_GAP:
        return None
    d0, d1, v0, v1 = days[i - 1], days[i], values[i - 1], values[i]
    return v0 + (v1 - v0) * (day - d0) / (d1 - d0), True


def _month_use(curve, y, mo):
    """(a meter's consumption in month (y, mo), interpolated?) or None."""
    first = datetime.date(y, mo, 1).toordinal() - 1          # end of the day before
    nxt = datetime.date(y + (mo == 12), mo % 12 + 1, 1).toordinal() - 1
    lo, hi = _value_at(curve, first), _value_at(curve, nxt)
    if lo is None or hi is None:
        return None
    return hi[0] - lo[0], lo[1] or hi[1]
