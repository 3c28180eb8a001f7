"""The checks before a settlement is released (reported on the board report, never
silently applied), each as the seeds state it:

- deadline: at most 4 months after the cut-off date (skæringsdato, the period's end); when
  the utility's statement is received more than 1 month after it, 3 months from receipt
  (seed 000 ¶170, seed 004 ¶54, Lejeloven § 40);
- 40 % rule (BEK 563/2014 as quoted in seed 002 ¶37): at least 40 % of the
  consumption-dependent part (the variable costs, fixed charges not included) settled by
  consumption; where hot water is metered separately, at least 60 % of the rest (the
  space-heating part) by the allocators / heat meters;
- re-verification: water and energy meters (heat meters included) every 9 years; the 6
  years are for electricity meters (seed 000 ¶41);
- a meter with no reading all period (its consumption is estimated), a stopped meter, and
  consumption above 3 × the property's median per m² (seed 002 names anomalies);
- a reduction given both in the fordelingstal and on the apartment's allocators (seed 001
  ¶32 names these as alternatives: counting both reduces twice);
- what the readings leave out, each named with its meter: readings that do not cover the
  whole period (extrapolated), a meter replaced by one with a new id (the consumption
  between the old one's last and the new one's first reading is not measured), and a gap of
  more than GAP_NAMED_DAYS in a meter read daily (a collector off, a meter not heard).
"""
import datetime
from dataclasses import dataclass

import numpy as np

from . import danish as dk

REVERIFY_YEARS = 9
GAP_NAMED_DAYS = 2
REVERIFIED = ("hot_water", "cold_water", "heat")


@dataclass
class Check:
    name: str
    ok: bool
    severity: str
    message: str


def add_months(d, k):
    m0 = d.month - 1 + k
    y, m = d.year + m0 // 12, m0 % 12 + 1
    for day in (d.day, 30, 29, 28):
        try:
            return datetime.date(y, m, day)
        except ValueError:
            continue


def deadline(prop):
    """The last day the statements may reach the tenants."""
    cut_off = prop.end
    usd = prop.utility_statement_date
    if usd is not None and usd > add_months(cut_off, 1):
        return add_months(usd, 3)
    return add_months(cut_off, 4)


def deadline_check(prop):
    due = deadline(prop)
    usd = prop.utility_statement_date
    if usd is not None and usd > add_months(prop.end, 1):
        rule = "3 måneder efter modtagelsen af værkets opgørelse %s, der kom mere end en " \
               "måned efter skæringsdatoen" % dk.date(usd)
    else:
        rule = "4 måneder efter skæringsdatoen %s" % dk.date(prop.end)
    checks = [Check("Frist", prop.issued <= due, "error", "Udsendt %s, frist %s (%s)"
                    % (dk.date(prop.issued), dk.date(due), rule))]
    if usd is None:
        checks.append(Check("Frist", False, "warning", "Datoen for værkets årsopgørelse er "
                            "ikke oplyst; fristen er regnet som 4 måneder efter "
                            "skæringsdatoen"))
    return checks


def forty_percent(pools, costs):
    by = {p.key: p.amount_ore for p in pools}
    meters = by.get("heat_hca", 0) + by.get("heat_kwh", 0)
    variable = costs.variable
    share = (meters + by.get("hot_water", 0)) / variable if variable else 0
    out = [Check("40 %-reglen", share >= 0.40, "warning",
                 "Fordelt efter forbrug %s af den forbrugsafhængige del %s = %s (mindst 40 %%)"
                 % (dk.kr(meters + by.get("hot_water", 0)), dk.kr(variable),
                    dk.percent(share, 2)))]
    if by.get("hot_water"):
        rest = variable - by.get("taps", 0) - by.get("hot_water", 0)
        s2 = meters / rest if rest else 0
        out.append(Check("60 %-reglen (varmt vand målt for sig)", s2 >= 0.60, "warning",
                         "Varmt vand afregnes efter varmtvandsmålere: målerne fordeler %s af "
                         "resten %s = %s (mindst 60 %%)" % (dk.kr(meters), dk.kr(rest),
                                                          dk.percent(s2, 2))))
    return out


def reverification(prop):
    out = []
    for m in prop.meters:
        if m.kind not in REVERIFIED:
            continue
        if m.installed is None:
            out.append(Check("Målerkontrol", False, "warning", "Måler %s (%s): "
                             "installationsdato ukendt; kontrol hvert %d. år kan ikke "
                             "efterprøves" % (m.id, m.apartment, REVERIFY_YEARS)))
        elif add_months(m.installed, 12 * REVERIFY_YEARS) <= prop.end:
            out.append(Check("Målerkontrol", False, "warning",
                             "Måler %s (%s), installeret %s, er over %d år og skal "
                             "kontrolleres eller udskiftes" % (m.id, m.apartment,
                                                              dk.date(m.installed),
                                                              REVERIFY_YEARS)))
    return out


def unread(uses):
    return [Check("Aflæsning", False, "warning",
                  "Måler %s (%s) har ingen aflæsning, der åbner og lukker perioden; forbruget "
                  "er beregnet: %s" % (u.meter.id, u.meter.apartment, u.estimate.method))
            for u in uses if u.span is None]


def partly_read(uses):
    return [Check("Aflæsning", False, "warning",
                  "Måler %s (%s): aflæsningerne dækker ikke hele perioden; %s"
                  % (u.meter.id, u.meter.apartment, u.span.how))
            for u in uses if u.span is not None and u.span.how]


def _in_period(prop, meter_id):
    return [r for r in prop.readings.get(meter_id, ()) if prop.start <= r.date <= prop.end]


def replacements(prop):
    out = []
    for m in prop.meters:
        old, new = _in_period(prop, m.id), _in_period(prop, m.replaced_by)
        if not m.replaced_by or not old or not new:
            continue
        days = (new[0].date - old[-1].date).days
        out.append(Check("Måleskift", False, "warning",
                         "Måler %s (%s) er udskiftet af måler %s: %s er talt til sidste "
                         "aflæsning %s, %s fra første aflæsning %s; forbruget imellem (%d "
                         "dage) er ikke målt" % (m.id, m.apartment, m.replaced_by, m.id,
                                                 dk.date(old[-1].date), m.replaced_by,
                                                 dk.date(new[0].date), days)))
    return out


def reading_gaps(prop):
    """A meter read daily (most readings a day apart) with more than GAP_NAMED_DAYS between
    two of its readings inside the period."""
    out = []
    for m in prop.meters:
        dates = [r.date for r in _in_period(prop, m.id)]
        steps = [(b - a).days for a, b in zip(dates, dates[1:])]
        if len(steps) < 3 or sorted(steps)[len(steps) // 2] > 1:
            continue
        for a, b in zip(dates, dates[1:]):
            if (b - a).days > GAP_NAMED_DAYS:
                out.append(Check("Aflæsning", False, "warning",
                                 "Måler %s (%s): ingen aflæsning fra %s til %s (%d dage)"
                                 % (m.id, m.apartment, dk.date(a), dk.date(b),
                                    (b - a).days)))
    return out


def double_reduction(prop):
    out = []
    reduced = {m.apartment for m in prop.meters if m.kind == "hca" and m.reduction > 0}
    for a in prop.apartments:
        if a.reduction > 0 and a.id in reduced:
            out.append(Check("Reduktion", False, "warning",
                             "Lejlighed %s har reduktion både i fordelingstallet og på "
                             "varmefordelingsmålerne: reduktionen gives to gange" % a.id))
    return out


def anomalies(prop, uses):
    out = []
    kinds = {}
    area = {a.id: float(a.area_m2) for a in prop.apartments}
    for u in uses:
        if u.span is not None:
            d = kinds.setdefault(u.meter.kind, {})
            d[u.meter.apartment] = d.get(u.meter.apartment, 0.0) + float(u.span.amount *
                                                                         u.factor)
    from .allocate import KIND_DK
    for kind, per in kinds.items():
        for apt, c in per.items():
            if c <= 0:
                out.append(Check("Forbrug", False, "warning",
                                 "Lejlighed %s: intet forbrug på %s (stoppet måler?)"
                                 % (apt, KIND_DK[kind])))
        used = {apt: c / area[apt] for apt, c in per.items() if c > 0}
        if len(used) < 2:
            continue
        med = float(np.median(list(used.values())))
        for apt, v in used.items():
            if v > 3 * med:
                out.append(Check("Forbrug", False, "warning",
                                 "Lejlighed %s: %s pr. m² er over 3 × ejendommens median"
                                 % (apt, KIND_DK[kind])))
    return out


def run_checks(prop, pools, costs, uses, bases, segs, dd):
    checks = forty_percent(pools, costs)
    checks += deadline_check(prop)
    checks += reverification(prop)
    checks += unread(uses)
    checks += partly_read(uses)
    checks += replacements(prop)
    checks += reading_gaps(prop)
    checks += double_reduction(prop)
    checks += anomalies(prop, uses)
    if any(m.kind in ("hca", "heat") for m in prop.meters) and \
            not dd.covers(prop.start, prop.end) and (
            prop.split.get("moves") == "degree_days"
            or any(u.estimate and u.meter.kind in ("hca", "heat") for u in uses)):
        checks.append(Check("Graddage", False, "warning", "Årets graddage er ikke oplyst "
                            "(degree_days.csv); %s er brugt" % dd.source(prop.start, prop.end)))
    return checks
