"""HTML and PDF writers for render_doc documents: escaping, well-formedness, valid PDF."""
import re
import sys
from pathlib import Path

import pytest

from fordel.settle import render_doc as rd
from fordel.settle import render_html, render_pdf

sys.path.insert(0, str(Path(__file__).parent))
from render_checks import check_html, pdf_pages_and_text  # noqa: E402

def sample_doc(name="Lejl. 1 tv"):
    d = rd.Doc("Forbrugsopgørelse – %s" % name, subtitle="01-07-2022 – 30-06-2023",
               footer="Udstedt 01-10-2023")
    d.add(rd.Heading("1. Resultat"), rd.Para("Tilbagebetaling: 1.234,56 kr.", "big"),
          rd.KeyValues([("Lejer", name), ("Periode", "01-07-2022 – 30-06-2023")]),
          rd.Table(["Pulje", "Grundlag", "Enhedspris", "Beløb"],
                   [["Varmt vand", "12,000 m³", "38,6892 kr./m³", "464,27"]] * 3,
                   align="lrrr", foot=[["I alt", "", "", "1.392,81"]]),
          rd.Bars([("jan. 2023", [("I år", 3.0, "3,0 m³"), ("Sidste år", 2.0, "2,0 m³")])],
                  ["I år", "Sidste år"]),
          rd.LinkList([rd.Link("Opgørelse", "statements/a.html")]))
    return d


def test_html_is_well_formed_and_escapes_user_text():
    evil = '<script>alert("x")</script> & "Ærø"'
    page = render_html.to_html(sample_doc(evil))
    p = check_html(page)
    assert "script" not in p.tags
    assert "&lt;script&gt;" in page
    assert evil in "".join(p.text)                      # shown literally
    assert "1.392,81" in "".join(p.text)


def test_table_rejects_ragged_rows():
    with pytest.raises(ValueError):
        rd.Table(["a", "b"], [["1"]])
    with pytest.raises(ValueError):
        rd.Table(["a", "b"], [["1", "2"]], align="l")


def test_pdf_is_valid_reproducible_and_carries_the_text():
    doc = sample_doc('Ærø <b>&amp; "x"')
    data = render_pdf.to_pdf(doc)
    pages, text = pdf_pages_and_text(data)
    assert pages == 1
    assert "1.392,81" in text
    assert "Tilbagebetaling: 1.234,56 kr." in text
    assert "12,000 m³" in text                          # '³' survives WinAnsi
    # markup in user text is drawn literally (platypus may draw it in several pieces)
    assert 'Ærø<b>&amp;"x"' in re.sub(r"\s+", "", text)
    assert render_pdf.to_pdf(doc) == data               # invariant: same input, same bytes


def test_pdf_long_table_breaks_pages():
    d = rd.Doc("Lang")
    d.add(rd.Table(["n", "v"], [[str(i), "%d,00" % i] for i in range(200)], align="lr"))
    pages, text = pdf_pages_and_text(render_pdf.to_pdf(d))
    assert pages > 2
    assert "199,00" in text and "Side %d" % pages in text


def test_pdf_replaces_characters_outside_winansi():
    d = rd.Doc("x", blocks=[rd.Para("\u2212 5 \u2248 6 \u4e2d")])
    _, text = pdf_pages_and_text(render_pdf.to_pdf(d))
    assert "- 5 ~ 6 ?" in text
