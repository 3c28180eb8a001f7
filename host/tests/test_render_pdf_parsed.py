"""render_pdf parses a paragraph's markup once per process and reuses it: the PDFs must be
the bytes they are without the reuse, also when the parsed fragments are used again (a
layout that changed them would show on the second document)."""
import sys
from pathlib import Path

from fordel.settle import render_pdf, report, statement

sys.path.insert(0, str(Path(__file__).parent))
from test_render_outputs import small_result  # noqa: E402


def pdfs(result):
    docs = [statement.build(result, st) for st in result.statements] + [report.build(result)]
    return [render_pdf.to_pdf(d) for d in docs]


def test_reused_markup_gives_the_same_bytes(monkeypatch):
    result = small_result()
    monkeypatch.setattr(render_pdf, "_PARSED", {})
    monkeypatch.setattr(render_pdf, "_PARSED_MAX", 0)          # nothing reused
    plain = pdfs(result)
    monkeypatch.setattr(render_pdf, "_PARSED_MAX", 20_000)
    first, again = pdfs(result), pdfs(result)
    assert render_pdf._PARSED                                   # the reuse happened
    assert first == plain and again == plain


def test_same_markup_in_another_style_is_parsed_for_that_style(monkeypatch):
    monkeypatch.setattr(render_pdf, "_PARSED", {})
    a = render_pdf.paragraph("1.234,50 kr.", render_pdf.STYLES["cell"])
    b = render_pdf.paragraph("1.234,50 kr.", render_pdf.STYLES["cellb"])
    assert a.style.fontName != b.style.fontName
    assert {f.fontName for f in a.frags} != {f.fontName for f in b.frags}
