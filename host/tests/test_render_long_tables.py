"""A long table (a report with thousands of tenancies) is printed in time linear in its rows:
reportlab builds a new table for the rest of the rows at every page break, so one table of
n rows handles ~n²/rows-per-page rows; render_pdf prints it as consecutive tables of
ROWS_PER_TABLE rows. Counted, not timed: the rows reportlab's Table is built with."""
from reportlab.platypus import tables

from fordel.settle import render_doc as rd
from fordel.settle import render_pdf


def rows_handled(n, monkeypatch):
    seen = [0]
    init = tables.Table.__init__

    def counting(self, data, *a, **kw):
        seen[0] += len(data)
        init(self, data, *a, **kw)
    monkeypatch.setattr(tables.Table, "__init__", counting)
    doc = rd.Doc("Lang tabel")
    doc.add(rd.Table(["Lejemål", "Beløb"], [["T%05d" % i, "%d,00" % i] for i in range(n)],
                     align="lr", foot=[["I alt", "x"]]))
    pdf = render_pdf.to_pdf(doc)
    assert pdf.startswith(b"%PDF")
    return seen[0]


def test_rows_handled_grow_linearly(monkeypatch):
    small, large = rows_handled(400, monkeypatch), rows_handled(3200, monkeypatch)
    assert large / 3200 < 1.3 * small / 400, (small, large)


def test_long_table_keeps_every_row_header_and_foot_once():
    t = rd.Table(["a", "b"], [[str(i), str(i)] for i in range(450)], align="lr",
                 foot=[["sum", "x"]], caption="c")
    flow = render_pdf._table(t, 400)
    parts = [f for f in flow if isinstance(f, tables.Table)]
    assert [len(p._cellvalues) for p in parts] == [201, 201, 52]   # header + rows (+ foot)
    assert sum(1 for f in flow if getattr(f, "text", None) == "c") == 1
