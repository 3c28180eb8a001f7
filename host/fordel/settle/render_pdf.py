"""Write a render_doc.Doc as an A4 PDF with reportlab (platypus).

Uses the PDF base fonts (Helvetica), whose WinAnsi encoding covers Danish letters, '³',
'–' and '€'; the few characters outside it are replaced by near equivalents. Output is
byte-for-byte reproducible (reportlab's invariant mode): the same result gives the same file.
"""
import functools
import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import (Flowable, KeepTogether, Paragraph, SimpleDocTemplate, Spacer,
                                Table, TableStyle)

from . import render_doc as rd

ACCENT = colors.HexColor("#1f5f8b")
MUTE = colors.HexColor("#5b6470")
WARN = colors.HexColor("#9a3b00")
OK = colors.HexColor("#1e6b35")
BAND = colors.HexColor("#f3f5f7")
RULE = colors.HexColor("#c9d1d9")

_REPLACE = {"\u2212": "-", "\u2264": "<=", "\u2265": ">=", "\u2248": "~", "\u00a0": " ",
            "\u2009": " ", "\u202f": " ", "\u2192": "->"}

FONT, BOLD = "Helvetica", "Helvetica-Bold"

STYLES = {
    "title": ParagraphStyle("title", fontName=BOLD, fontSize=16, leading=20, textColor=ACCENT,
                            spaceAfter=2),
    "subtitle": ParagraphStyle("subtitle", fontName=FONT, fontSize=10, leading=13,
                               textColor=MUTE, spaceAfter=8),
    "h2": ParagraphStyle("h2", fontName=BOLD, fontSize=11.5, leading=14, textColor=ACCENT,
                         spaceBefore=10, spaceAfter=4),
    "h3": ParagraphStyle("h3", fontName=BOLD, fontSize=10, leading=13, spaceBefore=6,
                         spaceAfter=3),
    "normal": ParagraphStyle("normal", fontName=FONT, fontSize=9, leading=12, spaceAfter=3),
    "note": ParagraphStyle("note", fontName=FONT, fontSize=8, leading=10.5, textColor=MUTE,
                           spaceAfter=3),
    "warn": ParagraphStyle("warn", fontName=BOLD, fontSize=9, leading=12, textColor=WARN,
                           spaceAfter=3),
    "ok": ParagraphStyle("ok", fontName=FONT, fontSize=9, leading=12, textColor=OK,
                         spaceAfter=3),
    "big": ParagraphStyle("big", fontName=BOLD, fontSize=12.5, leading=16, spaceBefore=4,
                          spaceAfter=6),
    "cell": ParagraphStyle("cell", fontName=FONT, fontSize=8, leading=10, alignment=TA_LEFT,
                           splitLongWords=0),
    "cellb": ParagraphStyle("cellb", fontName=BOLD, fontSize=8, leading=10, splitLongWords=0),
    "cellr": ParagraphStyle("cellr", fontName=FONT, fontSize=8, leading=10, alignment=TA_RIGHT,
                            splitLongWords=0),
    "cellbr": ParagraphStyle("cellbr", fontName=BOLD, fontSize=8, leading=10,
                             alignment=TA_RIGHT, splitLongWords=0),
}
PAD = 3          # cell padding left and right, points


_TRANSLATE = str.maketrans(_REPLACE)


def clean(text):
    """Plain text -> platypus markup: characters WinAnsi lacks replaced, markup escaped."""
    return escape(clean_cell(text))


_PARSED = {}           # (markup, style) -> what reportlab's parser made of it
_PARSED_MAX = 20_000  # entries; a statement repeats most of its cells' texts


def paragraph(markup, style):
    """Paragraph(markup, style), the markup parsed once per process: a statement's labels,
    units and headings recur on every statement, and parsing was a third of a PDF's time.
    Each Paragraph gets its own copies of the parsed fragments."""
    key = (markup, style.name, style.fontName, style.fontSize, style.leading)
    parsed = _PARSED.get(key)
    if parsed is None:
        p = Paragraph(markup, style)
        if len(_PARSED) < _PARSED_MAX:
            _PARSED[key] = (p.text, p.style, p.frags, p.bulletText)
        return p
    text, parsed_style, frags, bullet = parsed
    return Paragraph(text, parsed_style, bullet, frags=[f.clone() for f in frags])


def _para(text, style, width=None):
    """A paragraph of plain text; one that fits `width` on one line is drawn as that line
    (_Line), without Paragraph's line breaking."""
    st = STYLES[style]
    if width is not None:
        plain = " ".join(clean_cell(text).split())
        if plain and stringWidth(plain, st.fontName, st.fontSize) <= width:
            return _Line(plain, st)
    return paragraph(clean(text), st)


class _Line(Flowable):
    """One line of text in a paragraph style, placed as Paragraph places a one-line
    paragraph (baseline at leading − font size, the style's space before and after)."""

    def __init__(self, text, style):
        super().__init__()
        self.text, self.style = text, style

    def wrap(self, avail_width, avail_height):
        self.width, self.height = avail_width, self.style.leading
        return self.width, self.height

    def getSpaceBefore(self):
        return self.style.spaceBefore

    def getSpaceAfter(self):
        return self.style.spaceAfter

    def draw(self):
        c, st = self.canv, self.style
        c.saveState()
        c.setFillColor(st.textColor)
        c.setFont(st.fontName, st.fontSize)
        c.drawString(0, self.height - st.fontSize, self.text)
        c.restoreState()


@functools.lru_cache(maxsize=65536)
def _widest_word(text, font, size):
    words = clean_cell(text).split() or [""]
    return max(stringWidth(w, font, size) for w in words)


def widest_words(t):
    """Each column's widest word at font size 1 (a width grows linearly with the size)."""
    rows = [t.columns] + list(t.rows) + list(t.foot)
    return [max(_widest_word(r[i], BOLD, 1) for r in rows) for i in range(len(t.columns))]


def column_widths(t, width, size=8, widest=None):
    """Column widths that hold each column's widest word (so no word is broken and no
    figure runs into its neighbour), the rest of the width shared by the table's relative
    widths; None when the words alone do not fit. widest: widest_words(t), if known."""
    need = [w * size + 2 * PAD + 1 for w in widest or widest_words(t)]
    if sum(need) > width:
        return None
    rel = t.widths or [3 if a == "l" else 2 for a in t.align]
    total = float(sum(rel))
    widths = [width * r / total for r in rel]
    # grow the columns that are too narrow, taking the room from the others in proportion
    while True:
        short = [i for i, w in enumerate(widths) if w < need[i] - 1e-6]
        if not short:
            return widths
        extra = sum(need[i] - widths[i] for i in short)
        for i in short:
            widths[i] = need[i]
        rest = [i for i in range(len(widths)) if i not in short and widths[i] > need[i]]
        room = sum(widths[i] - need[i] for i in rest)
        for i in rest:
            widths[i] -= extra * (widths[i] - need[i]) / room


ROWS_PER_TABLE = 200   # reportlab re-measures every remaining row at each page break of a
# table, so one table of n rows costs n² (a 16,000-tenancy report took 31 s); long tables are
# printed as consecutive tables of this many rows, each with the header, same column widths


def _sizing(t, width):
    """(font size, column widths) that hold the whole table's widest words."""
    size, widest = 8, widest_words(t)
    col_widths = column_widths(t, width, size, widest)
    while col_widths is None and size > 5.5:
        size -= 0.5
        col_widths = column_widths(t, width, size, widest)
    if col_widths is None:
        col_widths = [width / len(t.columns)] * len(t.columns)
    return size, col_widths


def _table(t, width, sizing=None):
    size, col_widths = sizing or _sizing(t, width)
    if len(t.rows) > ROWS_PER_TABLE:
        starts = range(0, len(t.rows), ROWS_PER_TABLE)
        return [f for k in starts for f in _table(rd.Table(
            t.columns, t.rows[k:k + ROWS_PER_TABLE], t.align,
            t.foot if k == starts[-1] else [], t.caption if k == 0 else "", t.widths),
            width, (size, col_widths))]
    styles = {k: ParagraphStyle(k + str(size), parent=STYLES[k], fontSize=size,
                                leading=size * 1.25) for k in ("cell", "cellb", "cellr",
                                                                "cellbr")}
    cell = _CellMaker(styles, size, col_widths, t.align)
    data = [cell.row(t.columns, bold=True)]
    data += [cell.row(row) for row in t.rows]
    data += [cell.row(row, bold=True) for row in t.foot]
    style = [
        ("BACKGROUND", (0, 0), (-1, 0), BAND),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
        ("LEFTPADDING", (0, 0), (-1, -1), PAD),
        ("RIGHTPADDING", (0, 0), (-1, -1), PAD),
    ]
    n_rows = len(t.rows)
    style += cell.commands(n_rows, len(t.foot))
    if n_rows:     # one command for every row's rule: per-row commands made splitting a
        # long table over pages quadratic (each split re-splits every command)
        style.append(("LINEBELOW", (0, 1), (-1, n_rows), 0.25, colors.HexColor("#e6eaee")))
    if t.foot:
        style.append(("LINEABOVE", (0, n_rows + 1), (-1, n_rows + 1), 0.9, colors.black))
    table = Table(data, colWidths=col_widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(style))
    flow = []
    if t.caption:
        flow.append(_para(t.caption, "note", width))
    flow.append(table)
    flow.append(Spacer(1, 4))
    return flow


class _CellMaker:
    """A table's cells: a text that fits its column on one line is a plain string, drawn
    by the table itself in the column's font, size and alignment (style commands); only a
    text that must wrap is a Paragraph. Paragraph layout (line breaking, fragments) was
    most of a statement's PDF time, and nearly every cell is one short figure or word."""

    def __init__(self, styles, size, col_widths, align):
        self.styles, self.size, self.widths, self.align = styles, size, col_widths, align

    def row(self, texts, bold=False):
        return [self.cell(c, i, bold) for i, c in enumerate(texts)]

    def cell(self, text, i, bold):
        plain = " ".join(clean_cell(text).split())
        if stringWidth(plain, BOLD if bold else FONT, self.size) <= self.widths[i] - 2 * PAD:
            return plain
        key = ("cellb" if bold else "cell") + ("r" if self.align[i] == "r" else "")
        return paragraph(clean(text), self.styles[key])

    def commands(self, n_rows, n_foot, header=True):
        """Font, size and alignment of the plain-string cells (Paragraphs keep theirs)."""
        out = [("FONTNAME", (0, 0), (-1, -1), FONT),
               ("FONTSIZE", (0, 0), (-1, -1), self.size),
               ("LEADING", (0, 0), (-1, -1), self.size * 1.25)]
        if header:
            out.append(("FONTNAME", (0, 0), (-1, 0), BOLD))
        if n_foot:
            out.append(("FONTNAME", (0, n_rows + 1), (-1, -1), BOLD))
        out += [("ALIGN", (i, 0), (i, -1), "RIGHT") for i, a in enumerate(self.align)
                if a == "r"]
        return out


@functools.lru_cache(maxsize=65536)
def _clean_text(text):
    return text.translate(_TRANSLATE).encode("cp1252", "replace").decode("cp1252")


def clean_cell(text):
    """A right-aligned figure cell: plain string (no wrapping), WinAnsi-safe (a statement
    repeats most of its texts: each is cleaned once per process)."""
    return _clean_text(str(text))


def _bars_as_table(b, width):
    columns = [""] + list(b.series)
    rows = []
    for label, vals in b.groups:
        printed = {name: p for name, _, p in vals}
        rows.append([label] + [printed.get(s, "") for s in b.series])
    return _table(rd.Table(columns, rows, align="l" + "r" * len(b.series)), width)


def flowables(doc, width):
    out = [_para(doc.title, "title", width)]
    if doc.subtitle:
        out.append(_para(doc.subtitle, "subtitle", width))
    pending_heading = None
    for b in doc.blocks:
        if isinstance(b, rd.Heading):
            if pending_heading is not None:
                out.append(pending_heading)
            pending_heading = _para(b.text, "h2" if b.level <= 2 else "h3", width)
            continue
        if isinstance(b, rd.Para):
            flow = [_para(b.text, b.style if b.style in STYLES else "normal", width)]
        elif isinstance(b, rd.KeyValues):
            widths = [width * 0.32, width * 0.68]
            cell = _CellMaker({"cell": STYLES["cell"]}, STYLES["cell"].fontSize,
                              [w + 2 * PAD - 6 for w in widths], "ll")  # 0 left, 6 right
            rows = [cell.row(pair) for pair in b.pairs]
            t = Table(rows, colWidths=widths, hAlign="LEFT")
            t.setStyle(TableStyle(cell.commands(len(rows), 0, header=False) + [
                                   ("TEXTCOLOR", (0, 0), (0, -1), MUTE),
                                   ("TOPPADDING", (0, 0), (-1, -1), 1),
                                   ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
                                   ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
            flow = [t, Spacer(1, 4)]
        elif isinstance(b, rd.Table):
            flow = _table(b, width)
        elif isinstance(b, rd.Bars):
            flow = _bars_as_table(b, width)
        elif isinstance(b, rd.LinkList):
            flow = [_para(item[0].text if isinstance(item, tuple) else item.text, "normal",
                          width)
                    for item in b.items]
        else:
            raise TypeError("cannot render block %r" % (b,))
        if pending_heading is not None:
            # keep a heading with the start of what follows it
            out.append(KeepTogether([pending_heading] + flow[:1]))
            out.extend(flow[1:])
            pending_heading = None
        else:
            out.extend(flow)
    if pending_heading is not None:
        out.append(pending_heading)
    return out


def to_pdf(doc):
    """Return the PDF as bytes."""
    buf = io.BytesIO()
    footer = clean_cell(doc.footer)

    def on_page(canvas, template):
        canvas.saveState()
        canvas.setFont(FONT, 7.5)
        canvas.setFillColor(MUTE)
        canvas.drawString(18 * mm, 10 * mm, footer)
        canvas.drawRightString(A4[0] - 18 * mm, 10 * mm, "Side %d" % canvas.getPageNumber())
        canvas.restoreState()

    template = SimpleDocTemplate(
        buf, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
        bottomMargin=18 * mm, title=clean_cell(doc.title), author="fordel",
        creator="fordel", lang=doc.lang, invariant=1)
    template.build(flowables(doc, template.width), onFirstPage=on_page, onLaterPages=on_page)
    return buf.getvalue()
