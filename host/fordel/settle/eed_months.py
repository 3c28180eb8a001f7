"""Monthly consumption per apartment for the EED pages, over all meters at once (numpy).

Each meter's register rise between month ends: the consumption since its first reading
(consumption.rise: replacements in place, allocator resets) read on the month's last day
(or the next day's first), else interpolated linearly between the readings around it (at
most MAX_GAP days apart) and marked; a month with no readings on both sides is empty. An
apartment's month is the sum of its meters of that kind (empty if one of them is), against
the same month a year earlier and the property's average over the apartments with a value.

The per-meter rule one reading at a time is fordel.devtools.settle_reference.eed_series; the test
host/tests/test_settle_vectorised.py compares the two on random properties.
"""
import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

import numpy as np

from . import consumption as cu

MAX_GAP = 62          # days between the readings an EED month is interpolated from
QUANTITIES = (("hca", "Varme", "enheder"), ("hot_water", "Varmt vand", "m³"),
              ("cold_water", "Koldt vand", "m³"))
INTERPOLATED_NOTE = ("Måneder markeret * er beregnet ved lineær interpolation mellem de "
                     "nærmeste aflæsninger omkring månedsskiftet.")
DAY_BITS = 22         # key = meter index << DAY_BITS | day ordinal (ordinals < 2**22)


@dataclass(slots=True)
class Month:
    year: int
    month: int
    own: float | None
    last_year: float | None
    average: float | None
    interpolated: bool = False      # from readings around the month's ends, not on them


@dataclass(slots=True)
class EEDSeries:
    unit_id: str
    unit_label: str
    quantity: str
    unit: str
    months: list
    note: str = ""


def months_of(lo, hi):
    """(year, month) of every month from lo's to hi's."""
    out, d = [], datetime.date(lo.year, lo.month, 1)
    while d <= hi:
        out.append((d.year, d.month))
        d = datetime.date(d.year + (d.month == 12), d.month % 12 + 1, 1)
    return out


def month_ends(months, years_back=0):
    """Day ordinals of the end of the day before each month's first, and of its last day:
    len(months) + 1 boundaries (the months are consecutive)."""
    y, mo = months[0]
    ends = [datetime.date(y - years_back, mo, 1).toordinal() - 1]
    for y, mo in months:
        nxt = datetime.date(y - years_back + (mo == 12), mo % 12 + 1, 1)
        ends.append(nxt.toordinal() - 1)
    return np.array(ends, dtype=np.int64)


def cumulative(readings, kind):
    """(day ordinals, consumption since the first reading) with resets and replacements;
    a replacement's final and start reading on one day give one point."""
    days, values, total = [], [], Decimal(0)
    for k, r in enumerate(readings):
        if k:
            total += cu.rise(readings[k - 1:k + 1], kind)[0]
        if days and days[-1] == r.date.toordinal():
            values[-1] = float(total)
            continue
        days.append(r.date.toordinal())
        values.append(float(total))
    return days, values


class Curves:
    """Every meter's cumulative curve in three flat arrays, sorted by (meter, day)."""

    def __init__(self, curves):
        self.n = len(curves)
        lengths = np.array([len(d) for d, _ in curves], dtype=np.int64)
        self.meter = np.repeat(np.arange(len(curves), dtype=np.int64), lengths)
        self.day = np.fromiter((x for d, _ in curves for x in d), np.int64, int(lengths.sum()))
        self.value = np.fromiter((x for _, v in curves for x in v), np.float64,
                                 int(lengths.sum()))
        self.key = (self.meter << DAY_BITS) | self.day

    def at(self, meters, days):
        """(value at the end of each day, interpolated?, known?) for arrays of meter
        indices and day ordinals: the reading of that day or the next, else linear between
        the readings around it at most MAX_GAP days apart."""
        n = len(self.key)
        if not n:                         # no meter of this kind has a reading
            nothing = np.zeros(len(meters), dtype=bool)
            return np.full(len(meters), np.nan), nothing, nothing
        i = np.searchsorted(self.key, (meters << DAY_BITS) | days)
        j = np.minimum(i, n - 1)
        mine = (i < n) & (self.meter[j] == meters)
        exact = mine & ((self.day[j] == days) | (self.day[j] == days + 1))
        k = np.maximum(i - 1, 0)
        between = mine & ~exact & (i > 0) & (self.meter[k] == meters) & \
            (self.day[j] - self.day[k] <= MAX_GAP)
        span = np.where(between, self.day[j] - self.day[k], 1)
        interp = self.value[k] + (self.value[j] - self.value[k]) * (days - self.day[k]) / span
        value = np.where(exact, self.value[j], np.where(between, interp, np.nan))
        return value, between, exact | between


CHUNK = 65_536        # meters looked up at a time: the lookup's temporaries stay small


def month_use(curves, ends):
    """(use, interpolated, known) arrays of shape (meters, months) between the `ends`."""
    n, months = curves.n, len(ends) - 1
    use = np.empty((n, months))
    interp = np.empty((n, months), dtype=bool)
    known = np.empty((n, months), dtype=bool)
    for lo in range(0, n, CHUNK):
        hi = min(n, lo + CHUNK)
        meters = np.repeat(np.arange(lo, hi, dtype=np.int64), len(ends))
        value, marked, seen = (a.reshape(hi - lo, len(ends))
                               for a in curves.at(meters, np.tile(ends, hi - lo)))
        use[lo:hi] = value[:, 1:] - value[:, :-1]
        interp[lo:hi] = marked[:, 1:] | marked[:, :-1]
        known[lo:hi] = seen[:, 1:] & seen[:, :-1]
    return use, interp, known


def by_apartment(apt_of_meter, n_apts, use, interp, known):
    """Sum the meters' months per apartment: (use, interpolated, known) per apartment; a
    month is known only when every meter of the apartment has it."""
    months = use.shape[1]
    flat = (apt_of_meter[:, None] * months + np.arange(months)).ravel()
    size = n_apts * months
    total = np.bincount(flat, np.where(known, use, 0.0).ravel(), size).reshape(n_apts, months)
    unknown = np.bincount(flat, (~known).ravel(), size).reshape(n_apts, months)
    marked = np.bincount(flat, interp.ravel(), size).reshape(n_apts, months)
    return total, marked > 0, unknown == 0


class EEDList(Sequence):
    """The EED series (per quantity, then per apartment in the property's order), each
    built when read from the arrays of monthly figures."""

    def __init__(self, months, parts):
        self.months = months
        self.parts = parts        # [(quantity, unit, apartments, now, interp, known, last,
        #                             last_known, average)]
        self._offsets = np.cumsum([0] + [len(p[2]) for p in parts])
        self._rows = None

    @staticmethod
    def _ids(apartments):
        ids = getattr(apartments, "ids", None)
        return list(ids) if ids is not None else [a.id for a in apartments]

    @property
    def _row(self):
        if self._rows is None:
            self._rows = [{a: k for k, a in enumerate(self._ids(p[2]))} for p in self.parts]
        return self._rows

    def __len__(self):
        return int(self._offsets[-1])

    def by_apartment(self):
        """(apartment id, [its series]) one apartment at a time, in the order the series
        first name them (as eed.apartments groups them)."""
        seen = set()
        for p, part in enumerate(self.parts):
            for a in self._ids(part[2]):
                if a in seen:
                    continue
                seen.add(a)
                yield a, [self[int(self._offsets[q]) + rows[a]]
                          for q, rows in enumerate(self._row) if a in rows]

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        p = int(np.searchsorted(self._offsets, i, side="right")) - 1
        qty, unit, apts, now, interp, known, last, last_known, avg = self.parts[p]
        k = i - int(self._offsets[p])
        a = apts[k]
        series = EEDSeries(a.id, a.label, qty, unit, [
            Month(y, mo, float(now[k, m]) if known[k, m] else None,
                  float(last[k, m]) if last_known[k, m] else None, avg[m],
                  bool(known[k, m] and interp[k, m]))
            for m, (y, mo) in enumerate(self.months)])
        if any(x.interpolated for x in series.months):
            series.note = INTERPOLATED_NOTE
        return series


def eed_series(prop):
    """Monthly consumption per apartment and quantity (EEDList)."""
    months = months_of(prop.start, prop.end)
    ends, ends_before = month_ends(months), month_ends(months, 1)
    index = {a.id: i for i, a in enumerate(prop.apartments)}
    parts = []
    for kind, qty, unit in QUANTITIES:
        meters = [m for m in prop.meters if m.kind == kind]
        if not meters:
            continue
        curves = Curves([cumulative(prop.readings.get(m.id, []), kind) for m in meters])
        apt_ids = sorted({index[m.apartment] for m in meters})
        local = {a: j for j, a in enumerate(apt_ids)}
        apt_of = np.array([local[index[m.apartment]] for m in meters], dtype=np.int64)
        now, interp, known = apartment_month_use(curves, ends, apt_of, len(apt_ids))
        last, _, last_known = apartment_month_use(curves, ends_before, apt_of, len(apt_ids))
        counted = known.sum(axis=0)
        sums = np.where(known, now, 0.0).sum(axis=0)
        avg = [float(s / c) if c else None for s, c in zip(sums, counted)]
        parts.append((qty, unit, [prop.apartments[a] for a in apt_ids], now, interp, known,
                      last, last_known, avg))
    return EEDList(months, parts)


def curves_of_tables(prop, meters, kind):
    """Curves of the given meters (rows of prop.tables.meters) from the readings arrays:
    cumulative() for all of them at once (consumption.rise's steps per pair of readings:
    a replacement in place adds nothing, an allocator's reset at its set date adds the
    set-date value's rise and the new count), one point per day (the day's last)."""
    r = prop.tables.readings
    pick = np.flatnonzero(np.isin(r.meter, meters))
    local = np.full(len(prop.tables.meters), -1, dtype=np.int64)
    local[meters] = np.arange(len(meters))
    meter, day, v = local[r.meter[pick]], r.date[pick].astype(np.int64), \
        r.floats_at(pick)
    kinds, has_set, sv = r.kind[pick], r.has_set[pick], r.set_value[pick]
    step = np.zeros(len(pick))
    if len(pick) > 1:
        a, b = np.arange(len(pick) - 1), np.arange(1, len(pick))
        step[1:] = v[b] - v[a]
        if kind == "hca":
            cross = r.crosses_set_date(pick[a], pick[b])
            step[1:] = np.where(cross & has_set[b], (sv[b] - v[a]) + v[b],
                                np.where(cross & (v[b] < v[a]), v[b], step[1:]))
        swap = (kinds[a] == 2) & (kinds[b] == 1)          # final, then start
        step[1:] = np.where(swap, 0.0, step[1:])
        new = np.concatenate([[True], meter[b] != meter[a]])
        step[new] = 0.0
    total = np.cumsum(step)
    if len(total):
        starts = np.flatnonzero(np.concatenate([[True], meter[1:] != meter[:-1]]))
        total -= np.repeat(total[starts], np.diff(np.append(starts, len(total))))
    last_of_day = np.concatenate([(meter[1:] != meter[:-1]) | (day[1:] != day[:-1]),
                                  [True] if len(day) else []]).astype(bool)
    c = Curves([])
    c.n = len(meters)
    c.meter, c.day, c.value = meter[last_of_day], day[last_of_day], total[last_of_day]
    c.key = (c.meter << DAY_BITS) | c.day
    return c


def eed_series_of_tables(prop):
    """eed_series over a property's tables: the same months, from the readings arrays."""
    from .tables import KINDS, ObjectList
    t = prop.tables
    months = months_of(prop.start, prop.end)
    ends, ends_before = month_ends(months), month_ends(months, 1)
    parts = []
    for kind, qty, unit in QUANTITIES:
        meters = np.flatnonzero(t.meters.kind == KINDS.index(kind))
        if not len(meters):
            continue
        curves = curves_of_tables(prop, meters, kind)
        apt_ids, apt_of = np.unique(t.meters.apt[meters], return_inverse=True)
        apt_of = apt_of.ravel()
        now, interp, known = apartment_month_use(curves, ends, apt_of, len(apt_ids))
        last, _, last_known = apartment_month_use(curves, ends_before, apt_of, len(apt_ids))
        counted = known.sum(axis=0)
        sums = np.where(known, now, 0.0).sum(axis=0)
        avg = [float(s / c) if c else None for s, c in zip(sums, counted)]
        parts.append((qty, unit, Rows(ObjectList(t.apartments), apt_ids), now, interp, known,
                      last, last_known, avg))
    return EEDList(months, parts)


def apartment_month_use(curves, ends, apt_of, n_apts):
    """by_apartment(month_use(...)) a chunk of meters at a time: only the apartments'
    sums are kept (a million apartments' meters' months at once were GBs), each chunk added
    into the range of apartments its meters belong to."""
    months = len(ends) - 1
    total = np.zeros((n_apts, months))
    unknown = np.zeros((n_apts, months), dtype=np.int32)
    marked = np.zeros((n_apts, months), dtype=np.int32)
    for lo in range(0, curves.n, CHUNK):
        hi = min(curves.n, lo + CHUNK)
        meters = np.repeat(np.arange(lo, hi, dtype=np.int64), len(ends))
        value, mark, seen = (a.reshape(hi - lo, len(ends))
                             for a in curves.at(meters, np.tile(ends, hi - lo)))
        use = value[:, 1:] - value[:, :-1]
        interp = mark[:, 1:] | mark[:, :-1]
        known = seen[:, 1:] & seen[:, :-1]
        apts = apt_of[lo:hi]
        first, last = int(apts.min()), int(apts.max()) + 1
        flat = ((apts - first)[:, None] * months + np.arange(months)).ravel()
        size = (last - first) * months
        total[first:last] += np.bincount(flat, np.where(known, use, 0.0).ravel(),
                                         size).reshape(last - first, months)
        unknown[first:last] += np.bincount(flat, (~known).ravel(), size).reshape(
            last - first, months).astype(np.int32)
        marked[first:last] += np.bincount(flat, interp.ravel(), size).reshape(
            last - first, months).astype(np.int32)
    return total, marked > 0, unknown == 0


class Rows(Sequence):
    """The given rows of a lazy list, with their ids (`ids`) without making objects."""

    def __init__(self, objects, rows):
        self.objects, self.rows = objects, rows
        self.ids = objects.table.ids[rows]

    def __len__(self):
        return len(self.rows)

    def __getitem__(self, k):
        return self.objects[int(self.rows[k])]


class Deferred(Sequence):
    """A sequence made by make() when first used: the EED months are computed when the EED
    pages or exports are written, not by a settlement that writes no outputs."""

    def __init__(self, make):
        self._make, self._got = make, None

    def _made(self):
        if self._got is None:
            self._got = self._make()
        return self._got

    def __len__(self):
        return len(self._made())

    def __getitem__(self, i):
        return self._made()[i]

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._made(), name)
