"""Write every output of a settlement under one directory.

    out_dir/
      index.html                  links to everything below
      report.html, report.pdf     settlement report for the board / administrator
      statements/<tenancy>.html   statement per tenancy (forbrugsopgørelse)
      statements/<tenancy>.pdf
      eed/<apartment>.html        monthly EED consumption information
      export.csv, export.json     settlement file for property-management systems

Entry point: write_outputs(result, out_dir) -> list of written paths. The renderers only
format what the engine computed; a statement that does not add up to the øre is refused
(StatementError) before anything is written.
"""
import os
import re
from pathlib import Path

from . import danish as dk
from . import eed, export, render_html, render_pdf, report, statement
from . import render_doc as rd


def safe_name(ident):
    """A tenancy/apartment id as a file name: letters, digits, '-', '_', '.' only."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", str(ident)).strip("._")
    if not name:
        raise ValueError("cannot make a file name from id %r" % (ident,))
    return name


def _unique_names(ids):
    names, seen = {}, set()
    for ident in ids:
        base = safe_name(ident)
        name, n = base, 2
        while name.lower() in seen:
            name = "%s-%d" % (base, n)
            n += 1
        seen.add(name.lower())
        names[ident] = name
    return names


def _write(path, data):
    """Write via a temporary file and rename, so a crash never leaves half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    mode = "wb" if isinstance(data, bytes) else "w"
    kwargs = {} if isinstance(data, bytes) else {"encoding": "utf-8", "newline": ""}
    with open(tmp, mode, **kwargs) as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    return path


def index_doc(result, statements, eed_links, failed_checks):
    doc = rd.Doc("Fordelingsregnskab – %s" % result.property_name,
                 subtitle="Afregningsperiode %s · udstedt %s" % (
                     dk.period(result.period_start, result.period_end), dk.date(result.issued)),
                 footer="fordel")
    if failed_checks:
        doc.add(rd.Para("%s fejlede – se rapporten før udsendelse."
                        % dk.count(failed_checks, "kontrol", "kontroller"), "warn"))
    doc.add(rd.Heading("Regnskab"),
            rd.LinkList([(rd.Link("Rapport til bestyrelsen (HTML)", "report.html"), ""),
                         (rd.Link("Rapport til bestyrelsen (PDF)", "report.pdf"), ""),
                         (rd.Link("Eksport (CSV)", "export.csv"), "til administrationssystem"),
                         (rd.Link("Eksport (JSON)", "export.json"), "")]))
    items = []
    for st, name in statements:
        desc = "%s · %s: %s" % (st.tenant_name or "–", dk.result_word(st.balance_ore),
                                dk.kr(abs(st.balance_ore)))
        items.append((rd.Link("%s (HTML)" % (st.unit_label or st.unit_id),
                              "statements/%s.html" % name), desc))
        items.append((rd.Link("%s (PDF)" % (st.unit_label or st.unit_id),
                              "statements/%s.pdf" % name), ""))
    doc.add(rd.Heading("Forbrugsopgørelser"), rd.LinkList(items))
    if eed_links:
        doc.add(rd.Heading("Månedlige forbrugsoplysninger (EED)"),
                rd.LinkList([(rd.Link(label, "eed/%s.html" % name), "")
                             for label, name in eed_links]))
    return doc


def write_outputs(result, out_dir):
    """Render `result` (a SettlementResult) into out_dir; return the written paths."""
    out = Path(out_dir)
    # build everything first: a statement that does not add up stops the run before
    # any file is written
    names = _unique_names([st.tenancy_id for st in result.statements])
    docs = [(st, names[st.tenancy_id], statement.build(result, st)) for st in result.statements]
    report_doc = report.build(result)
    eed_by_unit = eed.apartments(result)
    eed_names = _unique_names(list(eed_by_unit))
    eed_docs = [(unit_id, eed_names[unit_id], eed.build(result, unit_id, series))
                for unit_id, series in eed_by_unit.items()]
    failed = sum(1 for c in result.checks if not c.ok and c.severity != "warning")

    written = []
    for st, name, doc in docs:
        written.append(_write(out / "statements" / (name + ".html"), render_html.to_html(doc)))
        written.append(_write(out / "statements" / (name + ".pdf"), render_pdf.to_pdf(doc)))
    written.append(_write(out / "report.html", render_html.to_html(report_doc)))
    written.append(_write(out / "report.pdf", render_pdf.to_pdf(report_doc)))
    eed_links = []
    for unit_id, name, doc in eed_docs:
        written.append(_write(out / "eed" / (name + ".html"), render_html.to_html(doc)))
        eed_links.append((doc.title.split(" – ", 1)[-1], name))
    written.append(_write(out / "export.csv", export.to_csv(result)))
    written.append(_write(out / "export.json", export.to_json(result, eed.to_dicts(result))))
    index = index_doc(result, [(st, name) for st, name, _ in docs], eed_links, failed)
    written.append(_write(out / "index.html", render_html.to_html(index)))
    return written
