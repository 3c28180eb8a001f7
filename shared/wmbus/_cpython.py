"""CPython-only fast paths of the codec (the collector, on MicroPython, never imports this).

A meter repeats its record layout telegram after telegram, so on the host the work that
depends only on the layout is done once per layout and replayed:

* `fill_planned` (replaces Driver.fill): which record fills which field depends only on the
  records' codes, function, storage, tariff, subunit, VIFEs and offsets; the matching is
  planned once per layout a driver sees, and then plain little-endian integers are read
  with one int.from_bytes call, BCD numbers with one hex() and int(), dates through a
  cache by their bytes;
* `parse_cached` (used by Records.parse): when every DIF/VIF byte and filler of a meter's
  telegram sits where it did last time, the parsed layout is reused.

Both give exactly the results of the plain code paths (the vector tests run both: CPython
here, MicroPython the plain ones).
"""
from . import vif as _vif
from .dv import CODE, DTYPE, LEN, OFF, W

_PLAIN_INT = (1, 2, 3, 4, 6, 7)      # DIF data fields read as little-endian integers
_BCD_TYPES = (9, 10, 11, 12, 14)     # DIF data fields of BCD digits
_INT, _BCD, _DATE, _FIELD = 0, 1, 2, 3
_DATES = {}                          # date bytes -> text (_date)


class _Probe(dict):
    """Stands in for the output dict while a layout's plan is worked out: records which
    record fills which field instead of decoding values."""

    def __init__(self, plan):
        dict.__init__(self)
        self.plan = plan

    def __setitem__(self, name, item):
        dict.__setitem__(self, name, item)
        self.plan.append((item[0], item[1], name))


def _plan(drv, rec):
    """[(record index, field, name, how, code, offset, length)]: what _fill_records would
    assign, and how its value is read: _INT a little-endian integer, _BCD BCD digits, _DATE a
    date (type G/F/I), _FIELD by the field's own reader."""
    plan = []
    drv._fill_records(rec, _Probe(plan))
    a = rec.a
    out = []
    for i, f, name in plan:
        b = i * W
        dt = a[b + DTYPE]
        how = _FIELD
        if f.kind == "number" and dt in _PLAIN_INT:
            how = _INT
        elif f.kind == "number" and dt in _BCD_TYPES:
            how = _BCD
        elif f.kind == "date" and a[b + LEN] in (2, 4, 6):
            how = _DATE
        out.append((i, f, name, how, a[b + CODE], a[b + OFF], a[b + LEN]))
    return out


def _date(rec, i, f, raw):
    """F.value of a date field, through a cache by the date's bytes (a meter's dates change
    once a day at most; the all-ones "no date" pattern keeps the field's own answer)."""
    v = _DATES.get(raw)
    if v is None:
        v = rec.date(i)
        if len(_DATES) >= 4096:
            _DATES.clear()
        _DATES[raw] = v
    if f.invalid != type(f).invalid and raw == b"\xff" * len(raw):   # not the default KEEP
        return f.invalid
    return v


def fill_planned(self, t, rec, out):
    """Driver.fill on CPython (see the module docstring)."""
    if self._index is None:
        self._prepare()
    if self._plans is None:
        self._plans = {}
    key = tuple(rec.a[:rec.n * W])
    plan = self._plans.get(key)
    if plan is None:
        plan = _plan(self, rec)
        if len(self._plans) < 256:
            self._plans[key] = plan
    d = rec.data
    scale = _vif.scale
    for i, f, name, how, code, off, ln in plan:
        if how == _INT:
            v = scale(code, int.from_bytes(d[off:off + ln], "little", signed=True))
        elif how == _BCD:
            digits = d[off:off + ln][::-1].hex()
            if not digits.isdigit():            # a sign nibble or a non-BCD digit
                out[name] = f.value(rec, i)
                continue
            v = scale(code, int(digits))
        elif how == _DATE:
            out[name] = _date(rec, i, f, bytes(d[off:off + ln]))
            continue
        else:
            out[name] = f.value(rec, i)
            continue
        if f.factor != 1:
            v = v * f.factor
        out[name] = round(v, 6) if isinstance(v, float) else v
    self.finish(t, rec, out)


def parse_cached(self, data, start, end, meter=None, fmt=None, learn=False):
    """Records.parse on CPython (see the module docstring)."""
    if fmt is not None or learn:
        return self.parse_plain(data, start, end, meter, fmt, learn)
    if self._layouts is None:
        self._layouts = {}
    cache = self._layouts
    key = (meter, start, end)
    c = cache.get(key)
    if c is not None:
        flat, n, checks, trailing = c
        for o, h in checks:
            if data[o:o + len(h)] != h:
                break
        else:
            self.data = data
            self.a[0:len(flat)] = flat
            self.n = n
            self.trailing = trailing
            self.fmt_len = -1
            return n
    n = self.parse_plain(data, start, end, meter, fmt, learn)
    a = self.a
    checks = []
    prev = start
    for i in range(n):
        off = a[i * W + OFF]
        checks.append((prev, bytes(data[prev:off])))
        prev = off + a[i * W + LEN]
    checks.append((prev, bytes(data[prev:end])))
    if len(cache) >= 1024:
        cache.clear()
    cache[key] = (tuple(a[0:n * W]), n, tuple(checks), self.trailing)
    return n
