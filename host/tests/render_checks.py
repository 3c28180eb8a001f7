"""Checks shared by the render tests: well-formed HTML, and a minimal PDF reader
(header, xref, page count, drawn text) so tests need no PDF library."""
import base64
import html.parser
import re
import zlib

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


def pdf_text_boxes(data):
    """Every run of text the PDF draws as (page, x0, x1, baseline y, text), the width
    measured with the font's metrics (pypdf reads the content streams)."""
    import io

    from pypdf import PdfReader
    from reportlab.pdfbase.pdfmetrics import stringWidth
    boxes = []
    for page_no, page in enumerate(PdfReader(io.BytesIO(data)).pages):
        def visit(text, cm, tm, font, size, page_no=page_no):
            if not text.strip() or font is None:
                return
            name = str(font.get("/BaseFont", "/Helvetica")).lstrip("/")
            scale = cm[0] if cm[0] else 1
            x = tm[4] * scale + cm[4]
            y = tm[5] * (cm[3] or 1) + cm[5]
            lead = len(text) - len(text.lstrip())
            size = size * abs(tm[0] or 1)
            x += stringWidth(text[:lead], name, size) * scale
            w = stringWidth(text.strip(), name, size) * scale
            boxes.append((page_no, x, x + w, round(y, 1), text.strip()))
        page.extract_text(visitor_text=visit)
    return boxes


def overlapping(boxes, tolerance=0.5):
    """Pairs of text runs on one page and baseline whose extents overlap."""
    out = []
    lines = {}
    for b in boxes:
        lines.setdefault((b[0], b[3]), []).append(b)
    for runs in lines.values():
        runs.sort(key=lambda b: b[1])
        for a, b in zip(runs, runs[1:]):
            if b[1] < a[2] - tolerance:
                out.append((a, b))
    return out
