"""The statement per tenancy (forbrugsopgørelse) as a render_doc.Doc.

Sections follow what Danish residents know from the big providers' statements: the result
first (punkt 1), how it is paid (punkt 2), the split of the tenant's costs per pool, the
property's pools and unit prices, estimates (punkt 4), the fordelingstal for a part year
(punkt 6), reduction (punkt 7), meter readings, and the tenant's consumption next to the
property average. All money is printed from the engine's integer øre; before anything is
printed the statement is checked to add up (lines = total, total - aconto = result).
"""
from . import danish as dk
from . import render_doc as rd


class StatementError(ValueError):
    """A statement whose figures do not add up; it is never printed."""


def check_sums(st):
    """Raise StatementError unless the lines add up to the total and the balance to
    total - aconto, to the øre."""
    lines = sum(line.amount_ore for line in st.lines)
    if lines != st.total_ore:
        raise StatementError("statement %s: lines add up to %d øre, total says %d øre"
                             % (st.tenancy_id, lines, st.total_ore))
    if st.total_ore - st.aconto_ore != st.balance_ore:
        raise StatementError("statement %s: total %d - aconto %d != result %d øre"
                             % (st.tenancy_id, st.total_ore, st.aconto_ore, st.balance_ore))


def _basis(value, unit):
    decimals = 0 if unit in ("lejemål", "enheder") and float(value) == int(value) else 3
    return dk.quantity(value, unit, decimals)


OWNER = "Ejer/udlejer (lejemålet stod ledigt)"


def _pool_index(result):
    return {p.key: p for p in result.pools}


def header(result, st):
    pairs = [("Ejendom", result.property_name)]
    if getattr(result, "address", ""):
        pairs.append(("Adresse", result.address))
    pairs += [("Lejemål", st.unit_label or st.unit_id),
              ("Beboer", OWNER if getattr(st, "vacant", False) else st.tenant_name or "–"),
              ("Regnskabsperiode", dk.period(result.period_start, result.period_end)),
              ("Ledig periode" if getattr(st, "vacant", False) else "Din periode",
               "%s (%s af %s)" % (
                  dk.period(st.liable_from, st.liable_to), dk.days(st.days),
                  dk.days(result.period_days)))]
    pairs.append(("Udstedt", dk.date(result.issued)))
    if result.utility_statement_date:
        pairs.append(("Værkets årsopgørelse modtaget", dk.date(result.utility_statement_date)))
    if result.deadline:
        pairs.append(("Frist for udsendelse", dk.date(result.deadline)))
    return rd.KeyValues(pairs)


def result_section(st):
    word = dk.result_word(st.balance_ore)
    big = "%s: %s" % (word, dk.kr(abs(st.balance_ore))) if st.balance_ore else word
    rows = [["Dine udgifter i perioden", dk.kr(st.total_ore)],
            ["Betalt aconto", dk.kr(-st.aconto_ore)]]
    foot = [["Resultat (%s)" % word.lower(), dk.kr(st.balance_ore)]]
    return [rd.Heading("1. Resultat"), rd.Para(big, "big"),
            rd.Table(["", "Beløb"], rows, align="lr", foot=foot, widths=[4, 2])]


def payment_section(result, st):
    if getattr(st, "vacant", False):
        return [rd.Heading("2. Betaling"),
                rd.Para("Lejemålet stod ledigt i perioden %s. Udgiften for disse dage, %s, "
                        "afholdes af ejeren/udlejeren og indgår ikke i nogen lejers opgørelse."
                        % (dk.period(st.liable_from, st.liable_to), dk.kr(st.total_ore)))]
    text = getattr(result, "payment_text", "") or (
        "Beløbet afregnes med din administrator eller udlejer, som du også betaler aconto "
        "til. Spørgsmål om betaling og udbetaling rettes dertil.")
    if st.balance_ore > 0:
        how = "Du skal betale %s ekstra." % dk.kr(st.balance_ore)
    elif st.balance_ore < 0:
        how = "Du får %s tilbage." % dk.kr(-st.balance_ore)
    else:
        how = "Du har betalt præcis det, dit forbrug kostede."
    return [rd.Heading("2. Betaling"), rd.Para(how), rd.Para(text, "note")]


def lines_section(result, st):
    pools = _pool_index(result)
    rows = []
    for line in st.lines:
        pool = pools[line.pool]
        rows.append([pool.name, _basis(line.basis, pool.basis_unit),
                     dk.unit_price(pool.unit_price, pool.basis_unit, 4),
                     dk.ore(line.amount_ore)])
    foot = [["Dine udgifter i alt", "", "", dk.ore(st.total_ore)]]
    return [rd.Heading("3. Fordeling af dine udgifter"),
            rd.Table(["Pulje", "Dit grundlag", "Pris pr. enhed", "Beløb (kr.)"], rows,
                     align="lrrr", foot=foot, widths=[4, 2.2, 2.6, 1.8]),
            rd.Para("Beløb = dit grundlag × prisen pr. enhed. Prisen er puljens beløb divideret "
                    "med ejendommens samlede grundlag; den vises afrundet til 4 decimaler, men "
                    "beregningen bruger den ikke-afrundede pris. Øreafrundinger er fordelt, så "
                    "alle lejemåls beløb tilsammen giver puljens beløb.", "note")]


def pools_section(result):
    rows = []
    for p in result.pools:
        rows.append([p.name, dk.ore(p.amount_ore), _basis(p.basis_total, p.basis_unit),
                     dk.unit_price(p.unit_price, p.basis_unit, 4)])
    foot = [["Fordelt i alt", dk.ore(sum(p.amount_ore for p in result.pools)), "", ""]]
    return [rd.Heading("4. Ejendommens udgifter og priser"),
            rd.Table(["Pulje", "Beløb (kr.)", "Grundlag i alt", "Pris pr. enhed"], rows,
                     align="lrrr", foot=foot, widths=[4, 2, 2.4, 2.6])]


def estimates_section(result, st):
    out = [rd.Heading("5. Beregnet forbrug")]
    if not st.estimates:
        out.append(rd.Para("Der er ikke beregnet forbrug for dit lejemål: alt forbrug er "
                           "aflæst."))
        return out
    rows = [[e.meter_id, e.reason, e.method, _basis(e.value, e.unit)] for e in st.estimates]
    out.append(rd.Table(["Måler", "Årsag", "Sådan er det beregnet", "Beregnet forbrug"], rows,
                        align="lllr", widths=[1.6, 2.4, 4.6, 1.8]))
    if st.days != result.period_days:
        out.append(rd.Para("Det beregnede forbrug gælder lejligheden for hele perioden; din "
                           "del af det står under punkt 8.", "note"))
    return out


def fixed_keys_section(result, st):
    out = [rd.Heading("6. Fordelingstal og haneandele for din periode")]
    rows = []
    for k in st.fixed_keys:
        if not k.full_year:
            continue
        rows.append([k.name, dk.number(k.full_year, 3), "%d / %d" % (st.days, result.period_days),
                     dk.number(k.value, 3)])
    if not rows:
        out.append(rd.Para("Ingen faste fordelingsnøgler."))
        return out
    if st.days == result.period_days:
        out.append(rd.Para("Du har hæftet for lejemålet hele perioden; hele årets tal bruges."))
    else:
        out.append(rd.Para("Du har hæftet for lejemålet %s af periodens %s. Fordelingstal og "
                           "haneandele fordeles efter kalenderdage: årets tal × dine dage / "
                           "periodens dage." % (dk.days(st.days), dk.days(result.period_days))))
    out.append(rd.Table(["Nøgle", "Hele året", "Dage", "Din andel"], rows, align="lrrr",
                        widths=[4, 2, 2, 2]))
    return out


def reduction_section(st):
    out = [rd.Heading("7. Reduktion for udsat beliggenhed")]
    red = st.reduction
    if red is None or not red.applies:
        out.append(rd.Para("Dit lejemål har ingen reduktion."))
    else:
        out.append(rd.Para(("Dit lejemål har reduktion for udsat beliggenhed: %s. %s"
                            % (red.text, red.where or "")).strip()))
    return out


def _reading_cell(value, date, how, decimals):
    if value is None:
        return how or "–"
    text = dk.number(value, decimals)
    if date is not None:
        text = "%s: %s" % (dk.date(date), text)
    return "%s (%s)" % (text, how) if how else text


def readings_section(st):
    out = [rd.Heading("8. Aflæsninger")]
    if not st.readings:
        out.append(rd.Para("Ingen målere."))
        return out
    rows, notes = [], []
    for r in st.readings:
        rows.append([r.meter_id, "%s%s" % (r.kind, ", " + r.location if r.location else ""),
                     _reading_cell(r.start, getattr(r, "start_date", None),
                                   getattr(r, "start_how", ""), r.decimals),
                     _reading_cell(r.end, getattr(r, "end_date", None),
                                   getattr(r, "end_how", ""), r.decimals),
                     dk.number(r.consumption, 3 if r.decimals else 1),
                     dk.number(r.factor, 3) if r.factor is not None else "",
                     dk.quantity(r.basis, r.unit, 3)])
        if r.note:
            notes.append("Måler %s: %s." % (r.meter_id, r.note))
    out.append(rd.Table(["Måler", "Type og placering", "Start", "Slut", "Forbrug", "Faktor",
                         "Grundlag"], rows, align="llllrrr",
                        widths=[1.5, 2.0, 2.3, 2.3, 1.2, 0.9, 1.7]))
    out.append(rd.Para("Start og slut er aflæsningerne ved din periodes begyndelse og "
                       "afslutning, med dato og hvordan de er fremkommet (aflæsning ved "
                       "periodens start eller slutning, flytteaflæsning, aflæsning ved "
                       "målerudskiftning). Hvor der ikke findes en aflæsning på flyttedagen, "
                       "vises de nærmeste aflæsninger, og forbruget mellem dem er fordelt som "
                       "anført under måleren. Grundlag = forbrug × faktor.", "note"))
    for n in notes:
        out.append(rd.Para(n, "note"))
    return out


def comparison_section(st):
    out = [rd.Heading("9. Dit forbrug sammenlignet med ejendommen")]
    if not st.comparisons:
        out.append(rd.Para("Ingen sammenligning."))
        return out
    rows = []
    for c in st.comparisons:
        rel = "" if not c.average else dk.percent(c.own / c.average, 0)
        rows.append([c.label, "%s %s" % (dk.number(c.own, 3), c.unit),
                     "%s %s" % (dk.number(c.average, 3), c.unit), rel])
    out.append(rd.Table(["Forbrug", "Dit forbrug", "Ejendommens gennemsnit", "Dig i forhold til "
                         "gennemsnittet"], rows, align="lrrr", widths=[3.5, 2.2, 2.5, 2]))
    return out


def build(result, st):
    """Doc for one TenancyStatement `st` of SettlementResult `result`."""
    check_sums(st)
    doc = rd.Doc("Forbrugsopgørelse – %s" % (st.unit_label or st.unit_id),
                 subtitle="%s · %s" % (result.property_name,
                                       dk.period(result.period_start, result.period_end)),
                 footer="%s · lejemål %s · udstedt %s · fordel" % (
                     result.property_name, st.tenancy_id, dk.date(result.issued)))
    doc.add(header(result, st))
    doc.add(*result_section(st))
    doc.add(*payment_section(result, st))
    doc.add(*lines_section(result, st))
    doc.add(*pools_section(result))
    doc.add(*estimates_section(result, st))
    doc.add(*fixed_keys_section(result, st))
    doc.add(*reduction_section(st))
    doc.add(*readings_section(st))
    doc.add(*comparison_section(st))
    return doc
