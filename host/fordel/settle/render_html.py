"""Write a render_doc.Doc as one self-contained HTML page (inline CSS, no scripts).

Every piece of text is escaped here; builders hand over plain text only.
"""
import html

from . import render_doc as rd

CSS = """
:root { --ink:#1b1f23; --mute:#5b6470; --rule:#c9d1d9; --band:#f3f5f7; --accent:#1f5f8b;
        --warn:#9a3b00; --ok:#1e6b35; }
* { box-sizing: border-box; }
body { font-family: "Helvetica Neue", Arial, sans-serif; color: var(--ink); margin: 0;
       background: #fff; line-height: 1.4; font-size: 14px; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 1.5rem 3rem; }
h1 { font-size: 1.6rem; margin: 0 0 .2rem; color: var(--accent); }
.subtitle { color: var(--mute); margin: 0 0 1.2rem; }
h2 { font-size: 1.15rem; margin: 1.8rem 0 .5rem; border-bottom: 2px solid var(--accent);
     padding-bottom: .2rem; }
h3 { font-size: 1rem; margin: 1.2rem 0 .4rem; }
p { margin: .4rem 0; }
p.note { color: var(--mute); font-size: .9rem; }
p.warn { color: var(--warn); font-weight: 600; }
p.ok { color: var(--ok); }
p.big { font-size: 1.25rem; font-weight: 700; margin: .8rem 0; }
dl.kv { display: grid; grid-template-columns: max-content 1fr; gap: .15rem 1.2rem; margin: 0; }
dl.kv dt { color: var(--mute); }
dl.kv dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: .3rem 0 .8rem; font-size: .92rem; }
caption { text-align: left; color: var(--mute); padding-bottom: .2rem; }
th { text-align: left; font-weight: 600; background: var(--band);
     border-bottom: 1px solid var(--rule);
     padding: .3rem .45rem; }
td { padding: .25rem .45rem; border-bottom: 1px solid #eef1f4; vertical-align: top; }
td.r, th.r { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
tfoot td { font-weight: 700; border-top: 1.5px solid var(--ink); border-bottom: none; }
ul.links { padding-left: 1.2rem; }
.bars { margin: .5rem 0 1rem; }
.bars .grp { display: grid; grid-template-columns: 7rem 1fr; gap: .1rem .6rem; margin: .35rem 0; }
.bars .lbl { color: var(--mute); }
.bars .row { display: flex; align-items: center; gap: .4rem; font-size: .85rem; }
.bars .bar { height: .8rem; border-radius: 2px; min-width: 1px; }
.s0 { background: var(--accent); } .s1 { background: #9fb7c9; } .s2 { background: #d9a441; }
.legend span { display: inline-flex; align-items: center; gap: .3rem; margin-right: 1rem; }
.legend i { display: inline-block; width: .8rem; height: .8rem; border-radius: 2px; }
footer { margin-top: 2.5rem; color: var(--mute); font-size: .85rem;
         border-top: 1px solid var(--rule);
         padding-top: .6rem; }
@media print { main { padding: 0; max-width: none; } h2 { break-after: avoid; }
               table { break-inside: avoid; } }
"""


def esc(text):
    return html.escape(str(text), quote=True)


def _table(t):
    out = ["<table>"]
    if t.caption:
        out.append("<caption>%s</caption>" % esc(t.caption))
    cls = ['class="r"' if a == "r" else "" for a in t.align]
    out.append("<thead><tr>" + "".join(
        "<th %s>%s</th>" % (c, esc(h)) if c else "<th>%s</th>" % esc(h)
        for c, h in zip(cls, t.columns)) + "</tr></thead>")

    def row(cells):
        return "<tr>" + "".join(
            "<td %s>%s</td>" % (c, esc(v)) if c else "<td>%s</td>" % esc(v)
            for c, v in zip(cls, cells)) + "</tr>"
    out.append("<tbody>" + "".join(row(r) for r in t.rows) + "</tbody>")
    if t.foot:
        out.append("<tfoot>" + "".join(row(r) for r in t.foot) + "</tfoot>")
    out.append("</table>")
    return "\n".join(out)


def _bars(b):
    top = max([v for _, vals in b.groups for _, v, _ in vals] + [0.0])
    out = ['<div class="bars">', '<p class="legend">']
    for i, name in enumerate(b.series):
        out.append('<span><i class="s%d"></i>%s</span>' % (i % 3, esc(name)))
    out.append("</p>")
    for label, vals in b.groups:
        out.append('<div class="grp"><div class="lbl">%s</div><div>' % esc(label))
        for name, value, printed in vals:
            i = b.series.index(name) if name in b.series else 0
            width = 0.0 if top <= 0 or value is None else max(0.0, value) / top * 80.0
            out.append('<div class="row"><div class="bar s%d" style="width:%.2f%%"></div>'
                       '<span>%s</span></div>' % (i % 3, width, esc(printed)))
        out.append("</div></div>")
    out.append("</div>")
    return "\n".join(out)


def block_html(b):
    if isinstance(b, rd.Heading):
        level = min(max(b.level, 2), 4)
        return "<h%d>%s</h%d>" % (level, esc(b.text), level)
    if isinstance(b, rd.Para):
        cls = "" if b.style == "normal" else ' class="%s"' % esc(b.style)
        return "<p%s>%s</p>" % (cls, esc(b.text))
    if isinstance(b, rd.KeyValues):
        return '<dl class="kv">' + "".join(
            "<dt>%s</dt><dd>%s</dd>" % (esc(k), esc(v)) for k, v in b.pairs) + "</dl>"
    if isinstance(b, rd.Table):
        return _table(b)
    if isinstance(b, rd.Bars):
        return _bars(b)
    if isinstance(b, rd.LinkList):
        items = []
        for item in b.items:
            link, desc = item if isinstance(item, tuple) else (item, "")
            tail = " – %s" % esc(desc) if desc else ""
            items.append('<li><a href="%s">%s</a>%s</li>' % (esc(link.href), esc(link.text), tail))
        return '<ul class="links">' + "".join(items) + "</ul>"
    raise TypeError("cannot render block %r" % (b,))


def to_html(doc):
    parts = ["<!DOCTYPE html>",
             '<html lang="%s">' % esc(doc.lang),
             "<head>",
             '<meta charset="utf-8">',
             '<meta name="viewport" content="width=device-width, initial-scale=1">',
             "<title>%s</title>" % esc(doc.title),
             "<style>%s</style>" % CSS,
             "</head>",
             "<body>",
             "<main>",
             "<h1>%s</h1>" % esc(doc.title)]
    if doc.subtitle:
        parts.append('<p class="subtitle">%s</p>' % esc(doc.subtitle))
    parts += [block_html(b) for b in doc.blocks]
    if doc.footer:
        parts.append("<footer>%s</footer>" % esc(doc.footer))
    parts += ["</main>", "</body>", "</html>", ""]
    return "\n".join(parts)
