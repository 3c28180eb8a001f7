"""A meter's consumption from its readings: over the settlement period, and between the
readings on the days tenants moved (flytteaflæsning).

Rules (docs/settlement.md):
- a `final` reading followed by a `start` reading is a replacement in place (one id);
- a meter replaced by a meter with a new radio id (meters.csv replaced_by) counts to its
  final reading, its successor from its first reading; neither is extrapolated (seed 004
  ¶26: the old meter's consumption is counted too);
- an allocator's yearly reset at its set date: the telegram after it carries the set date
  and the register's value on it, so the consumption across it is (value on the set date −
  reading before) + reading after; without those two figures a drop is taken as a reset
  from zero and the note says the set-date value was missing;
- a meter whose readings start or stop more than GAP_DAYS inside the period is extrapolated
  (heating by degree days, water by calendar days, seed 001 ¶45-46) and marked an estimate.
"""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from . import danish as dk
from .property import crosses_set_date

GAP_DAYS = 31
ONE_DAY = datetime.timedelta(days=1)
HEATING = ("hca", "heat")


@dataclass(slots=True)
class MeterSpan:
    """What a meter's readings give over a span: opening and closing reading used,
    consumption, and notes a tenant should see."""
    first: object               # MeterReading
    last: object
    amount: Decimal
    notes: list = field(default_factory=list)
    scale: Decimal = Decimal(1)  # extrapolation factor (1 = fully read)
    how: str = ""                # extrapolation method text, "" when read
    late: bool = False           # readings start late / stop early: extrapolated there
    early: bool = False


def rise(readings, kind):
    """Σ of the register's increases over consecutive readings, with replacements in place
    and allocator resets; (amount, notes)."""
    total, notes = Decimal(0), []
    for r0, r1 in zip(readings, readings[1:]):
        if r0.kind == "final" and r1.kind == "start":
            notes.append("målerudskiftning %s: slut %s, ny start %s" % (
                dk.date(r1.date), r0.value, r1.value))
            continue
        if kind == "hca" and crosses_set_date(r0, r1):
            if r1.set_value is not None:
                total += (r1.set_value - r0.value) + r1.value
                notes.append("nulstillet på skæringsdatoen %s (værdi da %s): (%s − %s) + %s"
                             % (dk.date(r1.set_date), r1.set_value, r1.set_value, r0.value,
                                r1.value))
                continue
            if r1.value < r0.value:
                total += r1.value
                notes.append("nulstillet ved årsskiftet; værdien på skæringsdatoen mangler, "
                             "forbruget fra %s til nulstillingen er ikke talt med" % r0.value)
                continue
        total += r1.value - r0.value
    return total, notes


def period_readings(readings, start, end):
    """The readings that open and close [start, end]: from the day before the start."""
    return [r for r in readings if start - ONE_DAY <= r.date <= end]


def over_period(meter, readings, start, end, degree_days):
    """MeterSpan of a meter over the period, or None when its readings cannot open and
    close it (the meter is then estimated)."""
    inside = period_readings(readings, start, end)
    if len(inside) < 2:
        if len(inside) == 1 and meter.replaces and inside[0].date >= start:
            # a successor read once, on its last day in the period: nothing counted yet
            return MeterSpan(inside[0], inside[0], Decimal(0), ["ny måler"])
        return None
    amount, notes = rise(inside, meter.kind)
    span = MeterSpan(inside[0], inside[-1], amount, notes)
    if meter.replaced_by:
        span.notes.append("udskiftet af måler %s; talt til slutaflæsningen %s"
                          % (meter.replaced_by, dk.date(inside[-1].date)))
    if meter.replaces:
        span.notes.append("erstatter måler %s; talt fra første aflæsning %s"
                          % (meter.replaces, dk.date(inside[0].date)))
    late = not meter.replaces and inside[0].date > start + datetime.timedelta(days=GAP_DAYS)
    early = not meter.replaced_by and inside[-1].date < end - datetime.timedelta(days=GAP_DAYS)
    if late or early:
        span.late, span.early = late, early
        _extrapolate(span, meter.kind, start, end, degree_days)
    return span


def _extrapolate(span, kind, start, end, degree_days):
    lo, hi = max(start, span.first.date), span.last.date
    if kind in HEATING:
        seen = degree_days.between(lo, hi, (start, end))
        whole = degree_days.between(start, end, (start, end))
        basis = "graddage (%s)" % degree_days.source(start, end)
    else:
        seen, whole = (hi - lo).days, (end - start).days + 1
        basis = "kalenderdage"
    if seen <= 0:
        return
    span.scale = Decimal(str(whole / seen))
    span.amount = (span.amount * span.scale).quantize(Decimal("0.001"))
    span.how = ("aflæst %s–%s, skønnet for hele perioden efter %s: × %s"
                % (dk.date(lo), dk.date(hi), basis, dk.number(span.scale, 4)))
    span.notes.append(span.how)


def at_move(readings, last_day):
    """The move reading (flytteaflæsning) between a tenancy ending on last_day and the next
    one: the reading of that day, else of the next day; None without one."""
    for day in (last_day, last_day + ONE_DAY):
        same = [r for r in readings if r.date == day and r.kind != "start"]
        if same:
            return same[-1]
    return None
