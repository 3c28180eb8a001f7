"""The checks of fordel.settle.checks over a property's tables (fordel.settle.arrays): the
same checks and messages, each computed over all meters or apartments at once; the
per-meter uses of the apartments settled by the per-meter rules are added in."""
import numpy as np

from . import checks as ck
from . import tables as tb
from .allocate import KIND_DK


def run_checks(prop, pools, costs, uses, sub_meters, basis, plain, dd):
    t = prop.tables
    out = ck.forty_percent(pools, costs)
    out += ck.deadline_check(prop)
    out += reverification(prop)
    out += ck.unread(uses)
    out += ck.partly_read(uses)
    out += ck.replacements(_MetersOf(prop, sorted(prop.tables.meters.successor)))
    out += ck.reading_gaps(_MetersOf(prop, gap_candidates(prop)))
    out += double_reduction(prop)
    out += anomalies(prop, uses, sub_meters, basis, plain)
    kinds = set(np.unique(t.meters.kind).tolist())
    if kinds & {0, 1} and not dd.covers(prop.start, prop.end) and (
            prop.split.get("moves") == "degree_days"
            or any(u.estimate and u.meter.kind in ("hca", "heat") for u in uses)):
        out.append(ck.Check("Graddage", False, "warning", "Årets graddage er ikke oplyst "
                            "(degree_days.csv); %s er brugt" % dd.source(prop.start, prop.end)))
    return out


def reverification(prop):
    """checks.reverification: each distinct installation date is tested once."""
    m = prop.tables.meters
    kinds = [tb.KINDS.index(k) for k in ck.REVERIFIED]
    rows = np.flatnonzero(np.isin(m.kind, kinds))
    days = m.installed[rows]
    distinct, inverse = np.unique(days, return_inverse=True)
    flag = np.array([d < 1 or ck.add_months(tb._date_of(d), 12 * ck.REVERIFY_YEARS) <=
                     prop.end for d in distinct] or [False], dtype=bool)
    hit = rows[flag[inverse.ravel()]] if len(rows) else rows
    return ck.reverification(_MetersOf(prop, hit))


def gap_candidates(prop):
    """The meters checks.reading_gaps names: read daily (the median step between readings
    in the period at most a day, 3 steps or more) with a step over GAP_NAMED_DAYS."""
    r = prop.tables.readings
    counts = np.diff(r.start)
    if not (counts >= 4).any():         # 3 steps need 4 readings: none is read daily
        return np.flatnonzero(counts < 0)
    inside = np.repeat(counts >= 4, counts)
    inside &= (r.date >= prop.start.toordinal()) & (r.date <= prop.end.toordinal())
    meter, date = r.meter[inside], r.date[inside]
    same = meter[1:] == meter[:-1]
    step_meter, step = meter[1:][same], np.diff(date)[same]
    n = len(prop.tables.meters)
    steps = np.bincount(step_meter, minlength=n)
    daily = np.bincount(step_meter, weights=step <= 1, minlength=n)
    gaps = np.bincount(step_meter, weights=step > ck.GAP_NAMED_DAYS, minlength=n)
    # sorted(steps)[len // 2] <= 1  <=>  more than len // 2 steps of at most a day
    return np.flatnonzero((steps >= 3) & (daily > steps // 2) & (gaps > 0))


class _MetersOf:
    """A stand-in Property whose meters are the given rows (for the per-meter checks of
    fordel.settle.checks: reverification, replacements, reading_gaps)."""

    def __init__(self, prop, rows):
        self.meters = [prop.tables.meters.obj(i) for i in rows]
        self.readings = prop.readings
        self.start, self.end = prop.start, prop.end


def double_reduction(prop):
    t = prop.tables
    m, a = t.meters, t.apartments
    reduced_meter = (m.kind == tb.HCA) & m.reduction.where(lambda v: v > 0)
    flagged = np.zeros(len(a), dtype=bool)
    flagged[m.apt[reduced_meter]] = True
    both = flagged & a.reduction.where(lambda v: v > 0)
    return [ck.Check("Reduktion", False, "warning",
                     "Lejlighed %s har reduktion både i fordelingstallet og på "
                     "varmefordelingsmålerne: reduktionen gives to gange" % a.ids[i])
            for i in np.flatnonzero(both)]


def anomalies(prop, uses, sub_meters, basis, plain):
    """checks.anomalies: per kind (in the order the meters first show it) and apartment
    (in the order of its first meter), the read consumption per m²."""
    t = prop.tables
    m, a = t.meters, t.apartments
    value = basis.copy()
    read = plain.meter.copy()
    for i, u in zip(sub_meters, uses):
        if u.span is not None:
            value[i] = float(u.span.amount * u.factor)
            read[i] = True
    area = a.area.floats()
    out = []
    rows = np.flatnonzero(read)
    kinds = m.kind[rows]
    _, first = np.unique(kinds, return_index=True)
    for k in kinds[np.sort(first)]:
        mine = rows[kinds == k]
        apts, first_of = np.unique(m.apt[mine], return_index=True)
        order = np.argsort(first_of, kind="stable")
        apts = apts[order]
        per = np.bincount(m.apt[mine], value[mine], minlength=len(a))
        c = per[apts]
        for i in apts[c <= 0]:
            out.append(ck.Check("Forbrug", False, "warning",
                                "Lejlighed %s: intet forbrug på %s (stoppet måler?)"
                                % (a.ids[i], KIND_DK[tb.KINDS[k]])))
        used = apts[c > 0]
        if len(used) < 2:
            continue
        v = per[used] / area[used]
        med = float(np.median(v))
        for i in used[v > 3 * med]:
            out.append(ck.Check("Forbrug", False, "warning",
                                "Lejlighed %s: %s pr. m² er over 3 × ejendommens median"
                                % (a.ids[i], KIND_DK[tb.KINDS[k]])))
    return out
