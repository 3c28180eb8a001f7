"""apartments.csv, meters.csv, tenancies.csv and readings.csv as arrays (one entry a row),
read and checked in whole columns (fordel.settle.columns). The objects the statements and
the exact per-meter rules use (property.Apartment, Meter, Tenancy, MeterReading) are made
from a row when asked for (`obj(i)`, and the lazy lists of property.Property), never all
at once for a large property."""
import datetime
import json
from collections.abc import Mapping, Sequence
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from meterrecord.coding import disagreement, factor

from . import columns as co
from .property import KINDS, READING_KINDS, SET_VALUE_COLUMNS

HCA = KINDS.index("hca")
READING, START, FINAL = (READING_KINDS.index(k) for k in ("reading", "start", "final"))
MAX_ORDINAL = datetime.date.max.toordinal()


def _strings(col):
    return np.asarray(col.to_numpy(zero_copy_only=False), dtype=object)


class Ids:
    """A column of ids kept as one arrow array (a million Python strings would be ~70 MB):
    ids[i] is a str, ids[array of rows] an object array of them."""

    def __init__(self, col):
        self.arrow = col

    def __len__(self):
        return len(self.arrow)

    def __getitem__(self, i):
        if isinstance(i, (np.ndarray, list)):
            return _strings(self.arrow.take(pa.array(np.asarray(i, dtype=np.int64))))
        return self.arrow[int(i)].as_py()

    def __iter__(self):
        return iter(self.arrow.to_pylist())

    def all(self):
        return _strings(self.arrow)


def _date_of(ordinal):
    return datetime.date.fromordinal(int(ordinal)) if ordinal >= 1 else None


def ids_once(name, ids, what, problems):
    """Each id once, and no two ids that differ only in case: the rows whose lower-cased
    id repeats (or that hold a non-ASCII letter, where casefold and lower may differ) are
    checked one by one, as property._ids_once does."""
    from .property import _ids_once
    if not len(ids):
        return
    low = pc.utf8_lower(ids)
    enc = pc.dictionary_encode(low)
    codes = enc.indices.to_numpy(zero_copy_only=False)
    repeat = np.bincount(codes)[codes] > 1
    repeat |= ~np.asarray(pc.string_is_ascii(ids))
    rows = np.flatnonzero(repeat)
    if len(rows):
        _ids_once(name, [(int(i) + 2, ids[int(i)].as_py()) for i in rows], what, problems)


class ObjectList(Sequence):
    """table.obj(i) for each row, made when read."""

    def __init__(self, table):
        self.table = table

    def __len__(self):
        return len(self.table)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self.table.obj(k) for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(i)
        return self.table.obj(i)


class Apartments:
    COLUMNS = ("apartment", "label", "area_m2", "fordelingstal", "reduction", "taps",
               "fee_units", "rooms")
    CODED = COLUMNS[2:]

    def __init__(self, t, problems):
        from .property import _nameable
        name = "apartments.csv"
        self.id_col = t.text("apartment")
        self.ids = Ids(self.id_col)
        self.labels = t.text("label")
        d = t.danish
        self.area = co.Decimals(t.text("area_m2"), None, d, problems, name)
        self.ftal = co.Decimals(t.text("fordelingstal"), None, d, problems, name)
        self.reduction = co.Decimals(t.text("reduction"), "0", d, problems, name)
        self.taps = co.Decimals(t.text("taps"), "0", d, problems, name)
        self.fee = co.Decimals(t.text("fee_units"), "1", d, problems, name)
        self.rooms = co.Decimals(t.text("rooms"), "0", d, problems, name)
        ok = self.area.ok & self.ftal.ok & self.reduction.ok & self.taps.ok & self.fee.ok & \
            self.rooms.ok
        blank = co.empty(self.id_col)
        for i in np.flatnonzero(ok & blank):
            problems.append((name, int(i) + 2, "apartment id missing"))
        odd = ok & ~blank & ~np.asarray(pc.match_substring_regex(self.id_col, "[A-Za-z0-9]"))
        for i in np.flatnonzero(odd):
            if not _nameable(self.ids[i]):
                problems.append((name, int(i) + 2, "apartment id %r needs a letter A-Z or a "
                                 "digit (it names the output files)" % self.ids[i]))
        for i in np.flatnonzero(ok & self.area.where(lambda v: v <= 0)):
            problems.append((name, int(i) + 2, "area %s m² must be positive" % self.area[i]))
        wrong = self.ftal.where(lambda v: v < 0) | self.reduction.where(
            lambda v: not 0 <= v < 1) | self.taps.where(lambda v: v < 0)
        for i in np.flatnonzero(ok & wrong):
            problems.append((name, int(i) + 2, "fordelingstal, taps must be >= 0 and "
                             "reduction a fraction 0..<1"))
        ids_once(name, self.id_col, "apartment", problems)
        if not len(self.ids):
            problems.append((name, 0, "no apartments"))

    def __len__(self):
        return len(self.ids)

    def obj(self, i):
        from .property import Apartment
        label = self.labels[i].as_py()
        return Apartment(self.ids[i], label or self.ids[i], self.area[i], self.ftal[i],
                         self.reduction[i], self.taps[i], self.fee[i], self.rooms[i])

    def index_of(self, col):
        return co.codes_of(col, self.id_col)

    def unknown(self, apartment):
        """property._unknown_apartment's message; the ids folded once for all rows."""
        from .property import _unknown_apartment
        if getattr(self, "_folded", None) is None:
            self._folded = {}
            for a in self.ids:
                self._folded.setdefault(a.casefold(), a)
        same = self._folded.get(apartment.casefold())
        return _unknown_apartment(apartment, [same] if same is not None else [])


class Meters:
    COLUMNS = ("meter_id", "apartment", "kind", "scale", "kq", "kc", "reduction", "multiplier",
               "previous_year", "no_heat_units", "installed", "replaced_by", "room", "location")
    CODED = COLUMNS[1:]

    def __init__(self, t, apartments, split, problems):
        name, d = "meters.csv", t.danish
        self.id_col = t.text("meter_id")
        self.ids = Ids(self.id_col)
        self.apt_ids = apartments.ids
        self.kind_text, self.scale_text = t.text("kind"), t.text("scale")
        apt_col = t.text("apartment")
        self.apt = apartments.index_of(apt_col)
        self.kind = co.codes_of(t.text("kind"), KINDS).astype(np.int8)
        self.scale = co.codes_of(t.text("scale"), ("unit", "product", ""))
        self.scale[self.scale == 2] = 0                  # empty: unit scale
        self.scale = self.scale.astype(np.int8)
        self.kq = co.Decimals(t.text("kq"), "1", d, problems, name)
        self.kc = co.Decimals(t.text("kc"), "1", d, problems, name)
        self.reduction = co.Decimals(t.text("reduction"), "0", d, problems, name)
        self.multiplier = co.Decimals(t.text("multiplier"), "1", d, problems, name)
        self.previous_year = co.Decimals(t.text("previous_year"), None, d, problems, name,
                                         optional=True)
        self.no_heat = co.Decimals(t.text("no_heat_units"), "0", d, problems, name)
        self.installed, inst_ok = co.dates(t.text("installed"), problems, name, optional=True)
        self.replaced_by = Ids(t.text("replaced_by"))
        room = t.text("room")
        if not t.has("room") and t.has("location"):
            room = t.text("location")
        self.rooms = room
        ok = self.kq.ok & self.kc.ok & self.reduction.ok & self.multiplier.ok & \
            self.previous_year.ok & self.no_heat.ok & inst_ok
        self._check(name, ok, apt_col, apartments, problems)
        self._replacements(name, problems)
        self._coding()
        kinds = set(np.unique(self.kind[ok]).tolist())
        if HCA in kinds and 1 in kinds and split.get("heat_kwh_share") is None:
            row = int(np.flatnonzero(self.kind == 1)[0]) + 2
            problems.append((name, row, "energy meter (kWh) in a property with heat cost "
                             "allocators: kWh and allocator units cannot share one price (seed "
                             "001 ¶48); set [split] heat_kwh_share, the part of the heating "
                             "consumption cost the energy meters carry (their own pool)"))

    def _check(self, name, ok, apt_col, apartments, problems):
        def each(mask, message):
            for i in np.flatnonzero(ok & mask):
                problems.append((name, int(i) + 2, message(int(i))))
        each(co.empty(self.id_col), lambda i: "meter id missing")
        each(self.apt < 0, lambda i: apartments.unknown(apt_col[i].as_py()))
        each(self.kind < 0, lambda i: "kind %r is not one of %s"
             % (pc_text(self.kind_text, i), KINDS))
        each(self.scale < 0, lambda i: "scale %r is not unit or product"
             % pc_text(self.scale_text, i))
        each(self.kq.where(lambda v: v <= 0) | self.kc.where(lambda v: v <= 0),
             lambda i: "KQ %s and KC %s must be positive" % (self.kq[i], self.kc[i]))
        each(self.reduction.where(lambda v: not 0 <= v < 1),
             lambda i: "reduction %s must be a fraction 0..<1" % self.reduction[i])
        each(self.previous_year.where(lambda v: v < 0) | self.no_heat.where(lambda v: v < 0),
             lambda i: "previous_year and no_heat_units must be >= 0")
        each(self.multiplier.where(lambda v: v <= 0),
             lambda i: "multiplier %s is not positive" % self.multiplier[i])
        ids_once(name, self.id_col, "meter", problems)

    def _replacements(self, name, problems):
        """replaced_by: a meter of the same apartment and kind; that meter `replaces` it."""
        self.replaces = {}                              # row -> the id it replaced
        self.successor = {}                             # row -> the row of its successor
        has = np.flatnonzero(~co.empty(self.replaced_by.arrow))
        if not len(has):
            return
        successors = co.codes_of(self.replaced_by.arrow.take(pa.array(has)), self.id_col)
        for i, new in zip(has, successors.tolist()):
            if new < 0:
                problems.append((name, int(i) + 2, "replaced_by %r is not a meter in "
                                 "meters.csv" % self.replaced_by[i]))
            elif (self.apt[new], self.kind[new]) != (self.apt[i], self.kind[i]):
                problems.append((name, int(i) + 2, "meter %s is replaced by %s of another "
                                 "apartment or kind" % (self.ids[i], self.ids[new])))
            else:
                self.replaces[new] = self.ids[i]
                self.successor[i] = new

    def _coding(self):
        """The coding per meter as a code into few distinct codings, and each coding's
        factor (meterrecord.coding.factor, exact)."""
        self.coding, distinct = co.dense_codes([
            (self.kind, len(KINDS)), (self.scale, 2), (self.kq.codes, len(self.kq.values)),
            (self.kc.codes, len(self.kc.values)),
            (self.reduction.codes, len(self.reduction.values)),
            (self.multiplier.codes, len(self.multiplier.values))])
        self.coding = self.coding.astype(np.int32)
        self.codings = [self._coding_of(row) for row in distinct]
        self.factors = [Decimal(factor(*c)) if c[0] and c[1] else Decimal(1)
                        for c in self.codings]

    def _coding_of(self, row):
        kind, scale, kq, kc, red, mult = (int(x) for x in row)
        return (KINDS[kind] if kind >= 0 else None, ("unit", "product")[scale]
                if scale >= 0 else None, self.kq.values[kq], self.kc.values[kc],
                self.reduction.values[red], self.multiplier.values[mult])

    def __len__(self):
        return len(self.ids)

    def factor(self, i):
        return self.factors[self.coding[i]]

    def obj(self, i):
        from .property import Meter
        return Meter(self.ids[i], self.apt_ids[self.apt[i]], KINDS[self.kind[i]],
                     ("unit", "product")[self.scale[i]], self.kq[i], self.kc[i],
                     self.reduction[i], _date_of(self.installed[i]), self.replaced_by[i],
                     self.previous_year[i], self.no_heat[i], self.rooms[i].as_py(),
                     self.replaces.get(int(i), ""), multiplier=self.multiplier[i])


def pc_text(col, i):
    return col[i].as_py()


class Tenancies:
    COLUMNS = ("tenancy", "apartment", "tenant", "move_in", "move_out", "aconto_dkk")
    CODED = ("move_in", "move_out", "aconto_dkk")

    def __init__(self, t, apartments, problems):
        from .property import _nameable
        name, d = "tenancies.csv", t.danish
        self.id_col = t.text("tenancy")
        self.ids = Ids(self.id_col)
        self.apt_ids = apartments.ids
        apt_col = t.text("apartment")
        self.apt = apartments.index_of(apt_col)
        self.tenants = t.text("tenant")
        self.move_in, in_ok = co.dates(t.text("move_in"), problems, name)
        self.move_out, out_ok = co.dates(t.text("move_out"), problems, name, optional=True)
        self.move_out = np.where(self.move_out == co.NO_DATE, MAX_ORDINAL, self.move_out)
        aconto = co.Decimals(t.text("aconto_dkk"), "0", d, problems, name)
        ore = [int((v * 100).to_integral_value()) if v is not None else 0
               for v in aconto.values] or [0]
        self.aconto_ore = np.array(ore, dtype=np.int64)[aconto.codes]
        ok = in_ok & out_ok & aconto.ok
        blank = co.empty(self.id_col)
        for i in np.flatnonzero(ok & blank):
            problems.append((name, int(i) + 2, "tenancy id missing"))
        odd = ok & ~blank & ~np.asarray(pc.match_substring_regex(self.id_col, "[A-Za-z0-9]"))
        for i in np.flatnonzero(odd):
            if not _nameable(self.ids[i]):
                problems.append((name, int(i) + 2, "tenancy id %r needs a letter A-Z or a "
                                 "digit (it names the statement's files)" % self.ids[i]))
        for i in np.flatnonzero(ok & (self.apt < 0)):
            problems.append((name, int(i) + 2, apartments.unknown(apt_col[i].as_py())))
        for i in np.flatnonzero(ok & (self.move_out < self.move_in)):
            problems.append((name, int(i) + 2, "moves out before moving in"))
        self._overlaps(name, ok, problems)
        ids_once(name, self.id_col, "tenancy", problems)

    def _overlapping(self, rows):
        """Of `rows`, those of apartments where two tenancies overlap (found over all
        apartments at once: by apartment and move-in day, a move-in on or before the latest
        move-out before it)."""
        if not len(rows):
            return np.zeros(0, dtype=bool)
        apt = self.apt[rows].astype(np.int64)
        order = np.lexsort((self.move_in[rows], apt))
        span = int(MAX_ORDINAL) + 2
        out_key = apt[order] * span + self.move_out[rows][order]
        latest = np.maximum.accumulate(out_key)
        clash = np.zeros(len(order), dtype=bool)
        clash[1:] = apt[order][1:] * span + self.move_in[rows][order][1:] <= latest[:-1]
        bad = np.zeros(int(apt.max()) + 1, dtype=bool)
        bad[apt[order][clash]] = True
        return bad[apt]

    def _overlaps(self, name, ok, problems):
        """Two tenancies of one apartment at once: checked one by one, in file order, for
        the apartments with more than one tenancy."""
        rows = np.flatnonzero(ok & (self.apt >= 0))
        several = rows[self._overlapping(rows)]
        seen = {}
        for i in several:
            a = self.apt[i]
            for j in seen.get(a, ()):
                if self.move_in[i] <= self.move_out[j] and self.move_in[j] <= self.move_out[i]:
                    problems.append((name, int(i) + 2, "overlaps tenancy %s of apartment %s"
                                     % (self.ids[j], self.apt_ids[a])))
            seen.setdefault(a, []).append(i)

    def __len__(self):
        return len(self.ids)

    def obj(self, i):
        from .property import Tenancy
        return Tenancy(self.ids[i], self.apt_ids[self.apt[i]], self.tenants[i].as_py(),
                       datetime.date.fromordinal(int(self.move_in[i])),
                       datetime.date.fromordinal(int(self.move_out[i])),
                       int(self.aconto_ore[i]))


class Readings:
    """readings.csv sorted by (meter, date, final before others, row), repeats dropped:
    `start[m]:start[m + 1]` are meter m's readings. Values exact as `ints` × 10^-scale
    (None when a value has more decimals than columns.MAX_DECIMALS) and as floats."""

    COLUMNS = ("meter_id", "date", "value", "kind", "telegram_ref", "set_date",
               "factors") + SET_VALUE_COLUMNS
    CODED = ("date", "kind", "set_date", "factors")

    def __init__(self, t, meters, problems, notes):
        name, d = "readings.csv", t.danish
        self.meters = meters
        mcol = t.text("meter_id")
        meter = co.codes_of(mcol, meters.id_col)
        date, date_ok = co.dates(t.text("date"), problems, name)
        value = co.Fixed(t.text("value"), d, problems, name)
        kind = co.codes_of(t.text("kind"), READING_KINDS + ("",))
        kind[kind == len(READING_KINDS)] = READING          # empty: a reading
        set_date, sd_ok = co.dates(t.text("set_date"), problems, name, optional=True)
        sv_text = self._set_value_text(t)
        has_sv = ~co.empty(sv_text)
        sv = None
        sv_ok = np.ones(t.n, dtype=bool)
        if has_sv.any():
            sv = np.zeros(t.n)
            got = co.Fixed(pc.filter(sv_text, pa.array(has_sv)), d, [], name)
            sv[has_sv] = got.as_floats()
            bad = np.flatnonzero(has_sv)[~got.ok]
            sv_ok[bad] = False
            for i in bad:
                co.Fixed(pa.array([sv_text[int(i)].as_py()]), d, problems_at(problems, i),
                         name)
        ok = date_ok & value.ok & sd_ok & sv_ok
        self._check(name, t, ok, mcol, meter, kind, value, set_date, has_sv, problems)
        good = ok & (meter >= 0) & self.factors_ok
        keep = slice(None) if good.all() else np.flatnonzero(good)
        del good, ok
        self._sort(keep, meter, date, kind, value, set_date, has_sv, sv)
        self.texts = (t.text("value"), t.text("telegram_ref"), sv_text, d)
        self._repeats(name, problems, notes)
        self._decreases(name, problems)

    @staticmethod
    def _set_value_text(t):
        out = None
        for c in SET_VALUE_COLUMNS:
            if t.has(c):
                col = t.text(c)
                out = col if out is None else pc.if_else(pc.equal(out, ""), col, out)
        return out if out is not None else t.text("set_date_value")

    def _check(self, name, t, ok, mcol, meter, kind, value, set_date, has_sv, problems):
        def each(mask, message):
            for i in np.flatnonzero(mask):
                problems.append((name, int(i) + 2, message(int(i))))
        unknown = ok & (meter < 0)
        if unknown.any():
            folded = {m.casefold(): m for m in self.meters.ids}

            def why(i):
                mid = mcol[i].as_py()
                other = folded.get(mid.casefold())
                return "unknown meter %s" % mid + (
                    " (meters.csv has %s: ids differ only in case)" % other if other else "")
            each(unknown, why)
        ok = ok & (meter >= 0)
        kcol = t.text("kind")
        each(ok & (kind < 0), lambda i: "kind %r is not one of %s" % (kcol[i].as_py(),
                                                                      READING_KINDS))
        each(ok & value.negative(), lambda i: "negative reading %s"
             % _decimal_text(t.text("value")[i].as_py(), t.danish))
        each(ok & ((set_date != co.NO_DATE) != has_sv),
             lambda i: "set_date and set_date_value go together")
        self.factors_ok = self._factors(name, t, ok, meter, problems)
        ok &= self.factors_ok

    def _factors(self, name, t, ok, meter, problems):
        """A record's factors (JSON) against its meter's coding: each distinct pair of
        factors text and coding checked once."""
        good = np.ones(t.n, dtype=bool)
        if not t.has("factors"):
            return good
        texts, fcode = co.parts(t.text("factors"))
        texts, fcode = texts.to_pylist(), fcode.astype(np.int64)
        given = ok & (co.empty(t.text("factors")) == 0)
        rows = np.flatnonzero(given)
        if not len(rows):
            return good
        coding = self.meters.coding[meter[rows]]
        pair = fcode[rows] * (len(self.meters.codings) + 1) + coding
        distinct, first, inverse = np.unique(pair, return_index=True, return_inverse=True)
        why = [_factors_problem(texts[int(fcode[rows[k]])],
                                self.meters.codings[int(coding[k])]) for k in first]
        dates = t.text("date")
        for j, k in enumerate(inverse.ravel()):
            if why[k]:
                i = int(rows[j])
                good[i] = False
                problems.append((name, i + 2, "meter %s reading on %s: %s" % (
                    self.meters.ids[meter[i]], _iso(dates[i].as_py()), why[k])))
        return good

    def _sort(self, keep, meter, date, kind, value, set_date, has_sv, sv):
        if isinstance(keep, slice):            # every row kept: views, not copies
            meter, date = meter.astype(np.int32, copy=False), date.astype(np.int32, copy=False)
        else:
            meter, date = meter[keep].astype(np.int32), date[keep].astype(np.int32)
        kind = kind[keep].astype(np.int8)
        key = (meter.astype(np.int64) << 32) | (date.astype(np.int64) << 2) | (kind != FINAL)
        order = None
        if len(key) > 1 and not (key[1:] >= key[:-1]).all():
            order = np.argsort(key, kind="stable")
        del key
        rows = np.arange(len(meter), dtype=np.int32) if isinstance(keep, slice) else \
            keep.astype(np.int32)
        if order is not None:
            keep = rows[order]
            rows, meter, date, kind = keep, meter[order], date[order], kind[order]
        self.row, self.meter, self.date, self.kind = rows, meter, date, kind
        self.ints = value.ints[keep] if value.ints is not None else None
        self.scale = value.scale
        self._floats = value.floats[keep] if value.ints is None else None
        del value
        if has_sv[keep].any() or (set_date[keep] != co.NO_DATE).any():
            self.set_date = set_date[keep].astype(np.int32)
            self.has_set = has_sv[keep]
            self.set_value = sv[keep] if sv is not None else np.zeros(len(rows))
        else:                            # no set dates: constant views, no memory per row
            self.set_date = np.broadcast_to(np.int32(co.NO_DATE), rows.shape)
            self.has_set = np.broadcast_to(False, rows.shape)
            self.set_value = np.broadcast_to(0.0, rows.shape)
        self._offsets()

    @property
    def floats(self):
        """The values as float64 (made from the exact integers when there are some)."""
        if self._floats is not None:
            return self._floats
        return self.ints / 10.0 ** self.scale

    def floats_at(self, idx):
        if self._floats is not None:
            return self._floats[idx]
        return self.ints[idx] / 10.0 ** self.scale

    def _offsets(self):
        self.start = np.searchsorted(self.meter, np.arange(len(self.meters) + 1))

    def _repeats(self, name, problems, notes):
        """Two readings of one meter, date and kind: the same value is counted once (and
        said), two values are a problem."""
        day = (self.meter[1:] == self.meter[:-1]) & (self.date[1:] == self.date[:-1])
        if not day.any():
            return
        same = day & (self.kind[1:] == self.kind[:-1])
        group = np.concatenate([[0], np.cumsum(~day)])
        mixed = self._mixed_days(day, group)
        same &= ~mixed[group[1:]]
        k = np.flatnonzero(same) + 1
        # the first of a run of repeats is the one kept (sorted stably by row)
        first = k - 1
        while True:
            back = same[first - 1] & (first > 0) if len(first) else np.zeros(0, bool)
            if not back.any():
                break
            first = np.where(back, first - 1, first)
        if mixed.any():                 # a day with 3+ readings of several kinds: one by one
            extra = self._repeats_in(np.flatnonzero(mixed[group]))
            first = np.concatenate([first, extra[:, 0]])
            k = np.concatenate([k, extra[:, 1]])
            order = np.argsort(k, kind="stable")
            first, k = first[order], k[order]
        differ = self._values_differ(first, k)
        for a, b in zip(first[differ], k[differ]):
            problems.append((name, int(self.row[b]) + 2, "meter %s has two %s values on %s: "
                             "%s (row %d) and %s" % (
                                 self.meters.ids[self.meter[b]], READING_KINDS[self.kind[b]],
                                 datetime.date.fromordinal(int(self.date[b])),
                                 self.value(a), int(self.row[a]) + 2, self.value(b))))
        dropped = int((~differ).sum())
        keep = np.ones(len(self.meter), dtype=bool)
        keep[k] = False
        for attr in ("row", "meter", "date", "kind", "_floats", "set_date", "has_set",
                     "set_value", "ints"):
            if getattr(self, attr) is not None:
                setattr(self, attr, getattr(self, attr)[keep])
        self._offsets()
        if dropped:
            notes.append("readings.csv: %d gentagne aflæsninger (samme måler, dato og værdi) "
                         "talt én gang" % dropped)

    def _mixed_days(self, day, group):
        """Per group of one meter's readings on one day: 3 or more readings of more than
        one kind (a repeat need not be next to its first there)."""
        size = np.bincount(group)
        kinds = np.zeros(len(size), dtype=bool)
        kinds[group[1:][day & (self.kind[1:] != self.kind[:-1])]] = True
        return (size >= 3) & kinds

    def _repeats_in(self, rows):
        """(first, repeat) pairs among readings `rows` (whole days, sorted)."""
        pairs, first, day = [], {}, None
        for k in rows:
            key = (int(self.meter[k]), int(self.date[k]))
            if key != day:
                first, day = {}, key
            kind = int(self.kind[k])
            if kind in first:
                pairs.append((first[kind], int(k)))
            else:
                first[kind] = int(k)
        return np.array(pairs, dtype=np.int64).reshape(-1, 2)

    def _values_differ(self, a, b):
        if self.ints is not None:
            return self.ints[a] != self.ints[b]
        return np.array([self.value(x) != self.value(y) for x, y in zip(a, b)], dtype=bool)

    def _decreases(self, name, problems):
        """A register that goes down without a replacement or an allocator's set date."""
        nxt = np.flatnonzero(self.lower_than_before()) + 1
        prev = nxt - 1
        down = (self.meter[nxt] == self.meter[prev]) & \
            (self.kind[prev] != FINAL) & (self.kind[nxt] != START)
        hca = self.meters.kind[self.meter[nxt]] == HCA
        down &= ~(hca & self.crosses_set_date(prev, nxt))
        for p, q in zip(prev[down], nxt[down]):
            problems.append((name, int(self.row[q]) + 2, "meter %s reading %s on %s is below "
                             "%s on %s without a replacement" % (
                                 self.meters.ids[self.meter[q]], self.value(q),
                                 datetime.date.fromordinal(int(self.date[q])), self.value(p),
                                 datetime.date.fromordinal(int(self.date[p])))))

    def lower_than_before(self):
        """Per reading after the first: lower than the reading before it (any meter)."""
        v = self.ints if self.ints is not None else self._floats
        return v[1:] < v[:-1]

    def _lower(self, a, b):
        if self.ints is not None:
            return self.ints[b] < self.ints[a]
        return self.floats[b] < self.floats[a]

    def crosses_set_date(self, a, b):
        """property.crosses_set_date over arrays of consecutive readings a -> b: the set
        date the later telegram carries, else a 31 December between them."""
        with_set = self.set_date[b] != co.NO_DATE
        at_set = (self.date[a] <= self.set_date[b]) & (self.set_date[b] < self.date[b])
        years = _years(self.date[b]) > _years(self.date[a])
        return np.where(with_set, at_set, years)

    def value(self, k):
        """The exact Decimal of sorted reading k, as property._dec reads its cell."""
        text, _, _, danish = self.texts
        return _decimal_of(text[int(self.row[k])].as_py(), danish)

    def obj(self, k):
        from .property import MeterReading
        text, refs, sv_text, danish = self.texts
        i = int(self.row[k])
        sd = _date_of(self.set_date[k])
        sv = _decimal_of(sv_text[i].as_py(), danish) if self.has_set[k] else None
        return MeterReading(datetime.date.fromordinal(int(self.date[k])),
                            _decimal_of(text[i].as_py(), danish), READING_KINDS[self.kind[k]],
                            refs[i].as_py(), sd, sv, i + 2)

    def of(self, m):
        return [self.obj(k) for k in range(self.start[m], self.start[m + 1])]


def problems_at(problems, i):
    """A problems list that files what is added at row i (a filtered column's row 2)."""
    class At(list):
        def append(self, p):
            problems.append((p[0], int(i) + 2, p[2]))
    return At()


def _decimal_of(text, danish):
    from .property import _dec
    return _dec(text, danish=danish)


def _decimal_text(text, danish):
    return _decimal_of(text, danish)


def _iso(text):
    from .property import _date
    return _date(text)


def _years(ordinals):
    """Calendar year of day ordinals (vectorised: a table of 1 January of each year)."""
    ordinals = np.asarray(ordinals)
    if not len(ordinals):
        return ordinals.astype(np.int64)
    lo, hi = int(ordinals.min()), int(ordinals.max())
    first = datetime.date.fromordinal(max(lo, 1)).year
    last = datetime.date.fromordinal(max(hi, 1)).year
    jan1 = np.array([datetime.date(y, 1, 1).toordinal() for y in range(first, last + 1)])
    return first - 1 + np.searchsorted(jan1, ordinals, side="right")


def _factors_problem(text, coding):
    """Why a reading's record factors (the export's JSON) cannot be used with a coding
    (kind, scale, kq, kc, reduction, multiplier), or ''."""
    try:
        factors = json.loads(text)
    except ValueError:
        return "factors %r are not JSON" % text
    if not isinstance(factors, dict):
        return "factors %r are not a JSON object" % text
    if coding[0] is None or coding[1] is None:
        return ""
    why = disagreement(factors, *coding)
    return "the collector coded it with factors other than meters.csv (%s)" % why if why else ""


class ReadingsByMeter(Mapping):
    """meter id -> [MeterReading] by date, made when asked for (property.Property.readings
    for the per-meter rules and tests); only meters with readings are keys."""

    def __init__(self, readings):
        self.r = readings
        self._index = None
        self._made = {}           # one list per meter: the rules compare readings by identity

    def _idx(self):
        if self._index is None:
            m = self.r.meters
            has = np.flatnonzero(np.diff(self.r.start) > 0)
            self._index = {m.ids[i]: int(i) for i in has}
        return self._index

    def __getitem__(self, mid):
        got = self._made.get(mid)
        if got is None:
            got = self._made[mid] = self.r.of(self._idx()[mid])
        return got

    def __iter__(self):
        return iter(self._idx())

    def __len__(self):
        return len(self._idx())
