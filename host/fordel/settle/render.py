"""Write every output of a settlement under one directory.

    out_dir/
      index.html                  links to everything below
      report.html, report.pdf     settlement report for the board / administrator
      statements/<tenancy>.html   statement per tenancy (forbrugsopgørelse)
      statements/<tenancy>.pdf
      eed/<apartment>.html        monthly EED consumption information
      export.csv, export.json     settlement file for property-management systems

Entry point: write_outputs(result, out_dir, workers, progress) -> the written paths. The
renderers only format what the engine computed; a statement that does not add up to the øre
is refused (StatementError): it is named in the result's `failed` and on the index page, and
every other output is written (statements in parallel: statement_files.py).
"""
import re
from pathlib import Path

from . import danish as dk
from . import eed, export, render_html, render_pdf, report, statement_files
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
        names[ident] = _unique_name(ident, seen)
    return names


def _unique_name(ident, seen):
    base = safe_name(ident)
    name, n = base, 2
    while name.lower() in seen:
        name = "%s-%d" % (base, n)
        n += 1
    seen.add(name.lower())
    return name


def _eed_by_apartment(result):
    by_apartment = getattr(result.eed, "by_apartment", None)
    return by_apartment() if by_apartment else eed.apartments(result).items()


_write = statement_files.write_file


def index_doc(result, statements, eed_links, failed_checks, failed_statements=()):
    doc = rd.Doc("Fordelingsregnskab – %s" % result.property_name,
                 subtitle="Afregningsperiode %s · udstedt %s" % (
                     dk.period(result.period_start, result.period_end), dk.date(result.issued)),
                 footer="fordel")
    if failed_checks:
        doc.add(rd.Para("%s fejlede – se rapporten før udsendelse."
                        % dk.count(failed_checks, "kontrol", "kontroller"), "warn"))
    for tenancy_id, reason in failed_statements:
        doc.add(rd.Para("Forbrugsopgørelse %s blev ikke skrevet: %s" % (tenancy_id, reason),
                        "warn"))
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


class Written(list):
    """The paths written, in order (only counted, in `count`, with keep_paths=False: a
    million statements' paths are not kept); `failed` lists (tenancy id, reason) for each
    statement that could not be written (the others are written all the same)."""

    def __init__(self, keep_paths=True):
        super().__init__()
        self.failed = []
        self.count = 0
        self.keep_paths = keep_paths

    def add(self, paths):
        self.count += len(paths)
        if self.keep_paths:
            self.extend(paths)


def write_outputs(result, out_dir, workers=1, progress=None, keep_paths=True):
    """Render `result` (a SettlementResult) into out_dir; return the written paths (Written).

    Statements are rendered by `workers` processes (1: in this process), streamed to disk in
    batches so memory stays flat; `progress(n)` is called as statements finish. A statement
    that fails (e.g. does not add up) is named in Written.failed, in the index and on the
    returned list's `failed`; every other output is written."""
    out = Path(out_dir)
    ids = result.statements.tenancy_ids() if hasattr(result.statements, "tenancy_ids") else \
        [st.tenancy_id for st in result.statements]
    names = _unique_names(ids)
    written = Written(keep_paths)
    for tenancy_id, paths, error in statement_files.render_all(
            result, out / "statements", names, workers, progress):
        written.add(paths)
        if error:
            written.failed.append((tenancy_id, error))
    written.add(_write_property_pages(result, out, names, written.failed))
    return written


def _write_property_pages(result, out, names, failed_statements):
    report_doc = report.build(result)
    failed = sum(1 for c in result.checks if not c.ok and c.severity != "warning")
    written = [_write(out / "report.html", render_html.to_html(report_doc)),
               _write(out / "report.pdf", render_pdf.to_pdf(report_doc))]
    eed_links, seen = [], set()
    for unit_id, series in _eed_by_apartment(result):     # one apartment at a time
        name = _unique_name(unit_id, seen)
        doc = eed.build(result, unit_id, series)
        written.append(_write(out / "eed" / (name + ".html"), render_html.to_html(doc)))
        eed_links.append((doc.title.split(" – ", 1)[-1], name))
    written.append(statement_files.write_streamed(out / "export.csv",
                                                  lambda f: export.write_csv(result, f)))
    written.append(statement_files.write_streamed(
        out / "export.json", lambda f: export.write_json(result, f, eed.iter_dicts(result))))
    bad = {tid for tid, _ in failed_statements}
    index = index_doc(result, [(st, names[st.tenancy_id]) for st in result.statements
                               if st.tenancy_id not in bad], eed_links, failed,
                      failed_statements)
    written.append(_write(out / "index.html", render_html.to_html(index)))
    return written
