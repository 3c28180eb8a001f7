"""A small document model shared by the HTML and the PDF writer.

A statement, the board report and an EED page are each built once as a `Doc` (text already
formatted in Danish) and then written by render_html and render_pdf, so both files show
the same figures. Blocks are plain dataclasses; text is plain text (writers escape it).
"""
from dataclasses import dataclass, field


@dataclass
class Heading:
    text: str
    level: int = 2


@dataclass
class Para:
    text: str
    style: str = "normal"          # normal | note | warn | ok | big


@dataclass
class KeyValues:
    """Label/value pairs in two columns (header facts: address, period, dates)."""
    pairs: list


@dataclass
class Table:
    """columns: header labels; align: 'l' or 'r' per column; rows: lists of str.
    foot: rows printed bold below a rule (sums). caption: a line above the table."""
    columns: list
    rows: list
    align: str = ""
    foot: list = field(default_factory=list)
    caption: str = ""
    widths: list = field(default_factory=list)    # relative widths, optional

    def __post_init__(self):
        if not self.align:
            self.align = "l" * len(self.columns)
        if len(self.align) != len(self.columns):
            raise ValueError("table: %d columns but align %r" % (len(self.columns), self.align))
        for row in list(self.rows) + list(self.foot):
            if len(row) != len(self.columns):
                raise ValueError("table row has %d cells, expected %d: %r"
                                 % (len(row), len(self.columns), row))


@dataclass
class Bars:
    """Horizontal bar groups (EED monthly use): one group a label, each group several
    (series name, value, printed value). HTML draws bars; the PDF prints a table."""
    groups: list                   # [(label, [(series, float value, str printed), ...])]
    series: list                   # series names, in order, for the legend
    unit: str = ""


@dataclass
class Link:
    text: str
    href: str


@dataclass
class LinkList:
    items: list                    # [Link | (Link, str description)]


@dataclass
class Doc:
    title: str
    blocks: list = field(default_factory=list)
    subtitle: str = ""
    footer: str = ""
    lang: str = "da"

    def add(self, *blocks):
        self.blocks.extend(blocks)
        return self

    def texts(self):
        """Every printed string, in order (tests search them)."""
        out = [self.title, self.subtitle]
        for b in self.blocks:
            if isinstance(b, (Heading, Para)):
                out.append(b.text)
            elif isinstance(b, KeyValues):
                for k, v in b.pairs:
                    out += [k, v]
            elif isinstance(b, Table):
                out.append(b.caption)
                out += list(b.columns)
                for row in list(b.rows) + list(b.foot):
                    out += list(row)
            elif isinstance(b, Bars):
                for label, vals in b.groups:
                    out.append(label)
                    out += [p for _, _, p in vals]
        out.append(self.footer)
        return [t for t in out if t]
