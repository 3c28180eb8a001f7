"""HTML and PDF writers for render_doc documents: escaping, well-formedness, valid PDF."""
import base64
import html.parser
import re
import zlib

import pytest

from fordel.settle import render_doc as rd
from fordel.settle import render_html, render_pdf

VOID = {"meta", "br", "img", "hr", "link", "input"}


class _Checker(html.parser.HTMLParser):
    """Fails on mismatched/unclosed tags; collects text and scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack, self.errors, self.text, self.tags = [], [], [], []

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append("unexpected </%s> (open: %s)" % (tag, self.stack[-3:]))
        else:
            self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def check_html(page):
    p = _Checker()
    p.feed(page)
    p.close()
    assert not p.errors, p.errors
    assert not p.stack, "unclosed tags: %s" % p.stack
    assert page.startswith("<!DOCTYPE html>")
    return p


def pdf_pages_and_text(data):
    """Minimal PDF check without a PDF library: header, trailer, xref offset, page count,
    and the text drawn (content streams inflated, string operands of Tj/TJ decoded)."""
    assert data.startswith(b"%PDF-1."), data[:16]
    assert data.rstrip().endswith(b"%%EOF")
    startxref = int(re.search(rb"startxref\s+(\d+)\s+%%EOF\s*$", data).group(1))
    assert data[startxref:startxref + 4] == b"xref"
    pages = len(re.findall(rb"/Type /Page\b", data))
    count = int(re.search(rb"/Type /Pages\b.*?/Count (\d+)", data, re.S).group(1)
                if re.search(rb"/Type /Pages\b.*?/Count (\d+)", data, re.S)
                else re.search(rb"/Count (\d+)", data).group(1))
    assert pages == count and pages >= 1
    text = []
    for m in re.finditer(rb"<<(.*?)>>\s*stream\r?\n(.*?)endstream", data, re.S):
        head, body = m.group(1), m.group(2)
        if b"ASCII85Decode" in head:
            body = base64.a85decode(body.strip().rstrip(b"~>").strip())
        if b"FlateDecode" in head:
            try:
                body = zlib.decompress(body)
            except zlib.error:
                continue
        for s in re.findall(rb"\(((?:[^()\\]|\\.)*)\)\s*Tj", body):
            s = re.sub(rb"\\([0-7]{1,3})", lambda x: bytes([int(x.group(1), 8)]), s)
            s = re.sub(rb"\\(.)", rb"\1", s)
            text.append(s.decode("cp1252"))
    return pages, "\n".join(text)


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
