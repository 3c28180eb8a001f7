"""Consumption for a meter without readings (beregnet forbrug), by the methods the seeds
name, tried in a documented order (property.toml [split] estimate_order overrides it):

1. previous_year     the meter's consumption last year (meters.csv previous_year), for
                     heating scaled by this year's degree days over last year's (seed 004
                     ¶26 "ud fra årets graddage", seed 001 ¶46), for water by calendar days
                     (seed 001 ¶45);
2. flat_average      the average of the flat's other meters of the same kind, each as
                     units × factors ("gennemsnit af forbruget på de resterende målere i
                     lejligheden", seed 001 ¶46); used only when some were read;
3. property_average  the property's average per m² × the flat's area (seed 001 ¶45-46);
                     only for a flat with none of that kind read, shared equally between
                     its unread meters so the flat is counted once.

The chosen method and its figures are printed on the statement (seed 001 ¶47, punkt 4).
"""
import datetime
from dataclasses import dataclass
from decimal import Decimal

from . import danish as dk
from .degree_days import NORMAL_NAME

METHODS = ("previous_year", "flat_average", "property_average")
UNIT = {"hca": "enheder", "heat": "kWh", "hot_water": "m³", "cold_water": "m³"}
Q = Decimal("0.001")


@dataclass(slots=True)
class Estimate:
    meter_id: str
    pool: str
    reason: str
    method: str
    value: Decimal          # the basis (units × factors, kWh, m³) set by calculation
    unit: str


def _year_before(d):
    try:
        return d.replace(year=d.year - 1)
    except ValueError:                     # 29 February
        return d.replace(year=d.year - 1, day=28)


def _num(value, unit):
    return "%s %s" % (dk.number(value, 3), unit)


def previous_year(m, factor, ctx):
    if m.previous_year is None:
        return None
    start, end = ctx.start, ctx.end
    unit = UNIT[m.kind]
    if m.kind in ("hca", "heat"):
        last = (_year_before(end) + datetime.timedelta(days=1), end)
        ref = (_year_before(start), start - datetime.timedelta(days=1))
        dd = ctx.degree_days
        now = Decimal(str(dd.between(start, end, (start, end))))
        if dd.covers(*ref):
            before = Decimal(str(dd.between(*ref)))
            src = "årets %s / sidste års %s graddage" % (dk.number(now, 1),
                                                         dk.number(before, 1))
        else:
            before = Decimal(str(dd.between(*last, within=(start, end))))
            src = "%s graddage i perioden / %s i et helt år (sidste års graddage ikke " \
                  "oplyst; %s)" % (dk.number(now, 1), dk.number(before, 1),
                                   dd.source(start, end) if dd.covers(start, end)
                                   else NORMAL_NAME)
        ratio = now / before if before else Decimal(1)
    else:
        ratio = Decimal(ctx.days) / 365
        src = "%d dage / 365" % ctx.days
    value = (m.previous_year * factor * ratio).quantize(Q)
    text = "sidste års forbrug %s" % _num(m.previous_year, unit)
    if factor != 1:
        text += " × faktor %s" % dk.number(factor, 4)
    return value, "%s × %s = %s" % (text, src, _num(value, unit))


def flat_average(m, factor, ctx):
    others = ctx.read_bases(m.apartment, m.kind)
    if not others:
        return None
    value = (sum(others) / len(others)).quantize(Q)
    unit = UNIT[m.kind]
    return value, "gennemsnit af lejlighedens %d øvrige %s: (%s) / %d = %s" % (
        len(others), "måler" if len(others) == 1 else "målere",
        " + ".join(dk.number(x, 3) for x in others), len(others), _num(value, unit))


def property_average(m, factor, ctx):
    if ctx.read_bases(m.apartment, m.kind):
        return None        # the flat's read meters would be counted twice
    total, area = ctx.fully_read(m.kind)
    unread = ctx.unread_in_flat(m.apartment, m.kind)
    apt_area = ctx.area(m.apartment)
    unit = UNIT[m.kind]
    per_m2 = total / area if area else Decimal(0)
    value = (per_m2 * apt_area / unread).quantize(Q)
    text = "ejendommens gennemsnit %s/m² (%s / %s m²) × lejlighedens %s m²" % (
        _num(per_m2.quantize(Decimal("0.0001")), unit), dk.number(total, 3),
        dk.number(area, 2), dk.number(apt_area, 2))
    if unread > 1:
        text += " / %d målere uden aflæsning" % unread
    return value, "%s = %s" % (text, _num(value, unit))


FUNCTIONS = {"previous_year": previous_year, "flat_average": flat_average,
             "property_average": property_average}


def estimate(m, factor, pool, ctx, order=METHODS):
    """Estimate for meter m by the first method in `order` that applies."""
    for name in order:
        got = FUNCTIONS[name](m, factor, ctx)
        if got is not None:
            value, text = got
            return Estimate(m.id, pool, "ingen aflæsninger, der åbner og lukker perioden",
                            text, value, UNIT[m.kind])
    value = Decimal(0)
    return Estimate(m.id, pool, "ingen aflæsninger, der åbner og lukker perioden",
                    "ingen af metoderne %s kunne bruges: 0" % ", ".join(order), value,
                    UNIT[m.kind])
