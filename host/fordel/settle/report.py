"""The settlement report for the board / administrator (fordelingsregnskab), as a Doc.

Like the tables in seed 002: the property's pools with amount, basis and unit price, the
consumption share (40 % rule of BEK 563/2014), one row per tenancy with total, aconto and
result, every check and warning, and the audit trail.
"""
from . import danish as dk
from . import render_doc as rd
from .statement import _basis


def pools_table(result):
    rows = []
    total = 0
    for p in result.pools:
        total += p.amount_ore
        share = dk.percent(p.share, 2) if getattr(p, "share", None) is not None else ""
        rows.append([p.name, share, dk.ore(p.amount_ore), _basis(p.basis_total, p.basis_unit),
                     dk.unit_price(p.unit_price, p.basis_unit, 4),
                     dk.number(p.unit_price, 6)])
    foot = [["I alt", "", dk.ore(total), "", "", ""]]
    return rd.Table(["Pulje", "Andel", "Beløb (kr.)", "Enheder i alt", "Pris pr. enhed",
                     "Pris (6 dec.)"], rows, align="lrrrrr", foot=foot,
                    widths=[3.6, 1.2, 1.8, 2.2, 2.6, 1.6])


def tenancies_table(result):
    rows = []
    tot = acon = bal = 0
    for st in result.statements:
        tot += st.total_ore
        acon += st.aconto_ore
        bal += st.balance_ore
        tenant = "Ledigt (ejer/udlejer)" if getattr(st, "vacant", False) else st.tenant_name
        rows.append([st.tenancy_id, st.unit_label or st.unit_id, tenant or "",
                     dk.period(st.liable_from, st.liable_to), dk.ore(st.total_ore),
                     dk.ore(st.aconto_ore), dk.ore(st.balance_ore),
                     dk.result_word(st.balance_ore)])
    foot = [["I alt", "", "", "", dk.ore(tot), dk.ore(acon), dk.ore(bal), ""]]
    return rd.Table(["Lejemål", "Enhed", "Beboer", "Periode", "Udgift", "Aconto", "Resultat",
                     ""], rows, align="llllrrrl", foot=foot,
                    widths=[1.4, 1.2, 2.4, 3.2, 1.6, 1.6, 1.6, 1.8])


def checks_blocks(result):
    out = []
    rows = []
    for c in result.checks:
        state = "OK" if c.ok else ("Advarsel" if c.severity == "warning" else "FEJL")
        rows.append([state, c.name, c.message])
    if rows:
        out.append(rd.Table(["Status", "Kontrol", "Resultat"], rows, align="lll",
                            widths=[1.2, 2.8, 7]))
    failed = [c for c in result.checks if not c.ok and c.severity != "warning"]
    warned = [c for c in result.checks if not c.ok and c.severity == "warning"]
    if failed:
        out.append(rd.Para("%s fejlede: regnskabet bør ikke frigives, før %s er rettet."
                           % (dk.count(len(failed), "kontrol", "kontroller"),
                              "den" if len(failed) == 1 else "de"), "warn"))
    elif warned:
        out.append(rd.Para("Ingen kontrol fejlede, men %s bør gennemgås."
                           % dk.count(len(warned), "advarsel", "advarsler"), "warn"))
    else:
        out.append(rd.Para("Alle kontroller bestået.", "ok"))
    return out


def build(result):
    doc = rd.Doc("Fordelingsregnskab – %s" % result.property_name,
                 subtitle="Afregningsperiode %s · udstedt %s" % (
                     dk.period(result.period_start, result.period_end), dk.date(result.issued)),
                 footer="%s · fordelingsregnskab %s · fordel" % (
                     result.property_name, dk.period(result.period_start, result.period_end)))
    pairs = [("Ejendom", result.property_name),
             ("Afregningsperiode", "%s (%s)" % (dk.period(result.period_start, result.period_end),
                                                dk.days(result.period_days))),
             ("Udstedt", dk.date(result.issued))]
    if result.utility_statement_date:
        pairs.append(("Værkets årsopgørelse modtaget", dk.date(result.utility_statement_date)))
    if result.deadline:
        pairs.append(("Frist for udsendelse til beboerne", dk.date(result.deadline)))
    pairs.append(("Lejemål", str(len(result.statements))))
    doc.add(rd.KeyValues(pairs))
    doc.add(rd.Heading("Fordeling af ejendommens udgifter"), pools_table(result))
    doc.add(rd.Heading("Lejemål"), tenancies_table(result))
    doc.add(rd.Heading("Kontroller"), *checks_blocks(result))
    if result.audit:
        doc.add(rd.Heading("Revisionsspor"),
                rd.Table(["#", "Trin"], [[str(i + 1), a] for i, a in enumerate(result.audit)],
                         align="rl", widths=[0.6, 10]))
    return doc
