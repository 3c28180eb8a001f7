"""EED consumption information (EED forbrugsoplysninger) per apartment.

Remote-read meters oblige the owner to show residents their monthly consumption. One page
per apartment: for each quantity (heat, hot water, cold water) the month's use next to the
same month last year and the property average, as bars and as a table.
"""
from . import danish as dk
from . import render_doc as rd

SERIES = ("Dit forbrug", "Samme måned sidste år", "Ejendommens gennemsnit")


def _decimals(unit):
    return 0 if unit in ("enheder", "kWh") else 3


def _fmt(value, unit):
    return "–" if value is None else "%s %s" % (dk.number(value, _decimals(unit)), unit)


def _change(now, before):
    if now is None or before in (None, 0):
        return "–"
    return ("+" if now >= before else "") + dk.percent((now - before) / before, 0)


def apartments(result):
    """{unit_id: [series, ...]} in the order the result lists them."""
    out = {}
    for s in result.eed:
        out.setdefault(s.unit_id, []).append(s)
    return out


def build(result, unit_id, series_list):
    label = series_list[0].unit_label or unit_id
    doc = rd.Doc("Forbrugsoplysninger – %s" % label,
                 subtitle="%s · månedligt forbrug fra fjernaflæste målere" % result.property_name,
                 footer="%s · %s · EED-forbrugsoplysninger · fordel" % (result.property_name,
                                                                        label))
    doc.add(rd.Para("Her kan du følge dit forbrug måned for måned og sammenligne med samme "
                    "måned sidste år og med ejendommens gennemsnit pr. lejemål, omregnet til "
                    "din lejligheds størrelse hvor det er angivet. Tallene er foreløbige: det "
                    "endelige regnskab kommer efter periodens afslutning.", "note"))
    for s in series_list:
        doc.add(rd.Heading("%s (%s)" % (s.quantity, s.unit)))
        groups, rows = [], []
        for m in s.months:
            when = dk.month_short(m.year, m.month)
            own = _fmt(m.own, s.unit) + ("*" if getattr(m, "interpolated", False) else "")
            groups.append((when, [(SERIES[0], m.own or 0.0, own),
                                  (SERIES[1], m.last_year or 0.0, _fmt(m.last_year, s.unit)),
                                  (SERIES[2], m.average or 0.0, _fmt(m.average, s.unit))]))
            rows.append([dk.month(m.year, m.month), own,
                         _fmt(m.last_year, s.unit), _change(m.own, m.last_year),
                         _fmt(m.average, s.unit)])
        doc.add(rd.Bars(groups, list(SERIES), s.unit))
        doc.add(rd.Table(["Måned", "Dit forbrug", "Sidste år", "Ændring", "Gennemsnit"], rows,
                         align="lrrrr"))
        if getattr(s, "note", ""):
            doc.add(rd.Para(s.note, "note"))
    return doc


def to_dicts(result):
    """EED data for export.json: one dict per apartment and quantity."""
    return list(iter_dicts(result))


def iter_dicts(result):
    """to_dicts one series at a time."""
    for s in result.eed:
        yield {"unit_id": s.unit_id, "quantity": s.quantity, "unit": s.unit,
               "months": [{"month": "%04d-%02d" % (m.year, m.month), "own": m.own,
                           "last_year": m.last_year, "average": m.average}
                          for m in s.months]}
