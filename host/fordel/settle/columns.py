"""A property folder's CSV files as columns of text (pyarrow), and the numbers, dates and
codes in them as numpy arrays, with every cell that cannot be read named by row.

pyarrow's CSV reader (pinned in pyproject.toml) reads a file on all cores in C++ into
string columns; the checks then run over whole columns (regular expressions, dictionary
encoding), so a million-apartment folder is read without a Python object per cell. pyarrow
rather than polars: the job is "bytes to typed columns plus per-cell checks", which is
pyarrow.csv plus pyarrow.compute, without a DataFrame layer; numpy takes its buffers as is.
A file that pyarrow cannot split into rows of the header's width (a short or long row) is
read again with Python's csv module, which gives the rules the old reader had (a short
row's missing cells empty, cells past the header dropped); the checks are the same.

Row numbers are the file's: the header is row 1, blank lines are not counted.
"""
import csv
import datetime
import io
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

ALIASES = {("degree_days.csv", "date"): "month", ("degree_days.csv", "graddage"): "degree_days",
           ("degree_days.csv", "måned"): "month"}
NO_DATE = -1                      # an empty date cell, as a day ordinal
ISO = r"^\d{4}-\d{2}-\d{2}$"
DANISH = r"^\d{1,2}[-./]\d{1,2}[-./]\d{4}$"


@dataclass
class Columns:
    """One CSV file: its columns (pyarrow string arrays, cells stripped, no nulls)."""
    name: str
    n: int
    danish: bool
    cols: dict

    def has(self, column):
        return column in self.cols

    def text(self, column):
        """The column's cells; an absent column is all empty."""
        got = self.cols.get(column)
        if got is not None:
            return got
        return pa.DictionaryArray.from_arrays(pa.array(np.zeros(self.n, dtype=np.int8)),
                                              pa.array([""], pa.string()))

    def rows(self, index):
        """File row numbers of item indices (header row 1)."""
        return np.asarray(index, dtype=np.int64) + 2


def read(folder, name, required, problems, notes=None, used=None, coded=()):
    """The file as Columns, or None when it is missing, not UTF-8 or lacks columns (each
    listed in problems as (file, row, reason)). used: the columns to keep (default all);
    coded: columns with few distinct texts, read dictionary-encoded (a code per row)."""
    path = folder / name
    if not path.is_file():
        problems.append((name, 0, "file missing"))
        return None
    with open(path, "rb") as f:
        first = f.readline()
    try:
        head = first.decode("utf-8-sig").rstrip("\r\n")
    except UnicodeDecodeError as e:
        problems.append((name, 1, "not UTF-8 (byte 0x%02x); save the file as UTF-8"
                         % first[e.start]))
        return None
    delimiter = ","
    if ";" in head and "," not in head:
        delimiter = ";"
    elif "\t" in head and "," not in head:
        delimiter = "\t"
    names = [ALIASES.get((name, c.strip().lower()), c.strip())
             for c in next(csv.reader([head], delimiter=delimiter), [])]
    missing = [c for c in required if c not in names]
    if missing:
        hint = ""
        if ";" in head and delimiter == ",":
            hint = "; the header mixes ',' and ';': use one separator"
        problems.append((name, 1, "columns missing: %s%s" % (", ".join(missing), hint)))
        return None
    if delimiter != "," and notes is not None:
        notes.append("%s: %s-separeret fil (dansk regneark), decimaltal med komma" % (
            name, "semikolon" if delimiter == ";" else "tabulator"))
    where = {c: j for j, c in enumerate(names) if c and (used is None or c in used)}
    # the other columns are read too (coded, then dropped): the whole file must be UTF-8
    types = {j: names[j] in coded or names[j] not in where for j in range(len(names))}
    cols = _arrow(path, len(names), delimiter, types)
    if cols is None:
        cols = _python(path, len(names), delimiter, name, problems)
        if cols is None:
            return None
        cols = {j: cols[j] for j in types}
    n = len(next(iter(cols.values()))) if cols else _count_rows(path)
    picked = {c: _trimmed(cols[j]) for c, j in where.items()}
    return Columns(name, n, delimiter != ",", picked)


def _count_rows(path):
    with open(path, "rb") as f:
        return max(0, sum(1 for line in f if line.strip()) - 1)


def _trimmed(col):
    """The cells without leading and trailing white space."""
    if pa.types.is_dictionary(col.type):
        return pa.DictionaryArray.from_arrays(col.indices,
                                              pc.utf8_trim_whitespace(col.dictionary))
    return pc.utf8_trim_whitespace(col) if _may_have_edge_space(col) else col


EDGE = np.zeros(256, dtype=bool)          # bytes a white-space character may start with
EDGE[[9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 0xC2, 0xE1, 0xE2, 0xE3]] = True


def _may_have_edge_space(col):
    """False when no cell starts with a byte white space may start with and no cell ends
    in white space or a non-ASCII byte (checked on the first and last byte of each cell,
    not the whole text)."""
    if not len(col) or col.offset:
        return True
    offsets = np.frombuffer(col.buffers()[1], dtype=np.int32, count=len(col) + 1)
    data = col.buffers()[2]
    if data is None:
        return False
    data = np.frombuffer(data, dtype=np.uint8)
    full = offsets[1:] > offsets[:-1]
    first, last = data[offsets[:-1][full]], data[offsets[1:][full] - 1]
    return bool(EDGE[first].any() or EDGE[last].any() or (last >= 0x80).any())


def _arrow(path, width, delimiter, types):
    """The file's columns {position: array} (types: position -> dictionary-encoded?), or
    None when a row has another width than the header or a cell is not UTF-8 (the Python
    reader then names the row)."""
    bad = []

    def invalid(row):
        bad.append(row)
        return "skip"
    cnames = ["c%d" % j for j in range(width)]
    text = pa.string()
    try:
        table = pacsv.read_csv(
            path, read_options=pacsv.ReadOptions(column_names=cnames, skip_rows=1,
                                                 block_size=1 << 23),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=invalid,
                                             newlines_in_values=True),
            convert_options=pacsv.ConvertOptions(
                column_types={cnames[j]: pa.dictionary(pa.int32(), text) if coded else text
                              for j, coded in types.items()},
                include_columns=[cnames[j] for j in sorted(types)],
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, UnicodeDecodeError):
        return None
    if bad:
        return None
    out = {j: _one_chunk(table.column(cnames[j])) for j in types}
    del table
    try:              # the reader checks UTF-8 in plain string columns, not in dictionaries
        for col in out.values():
            if pa.types.is_dictionary(col.type):
                col.dictionary.validate(full=True)
    except pa.ArrowInvalid:
        return None
    pa.default_memory_pool().release_unused()     # the reader's blocks, back to the system
    return out


def _one_chunk(col):
    if pa.types.is_dictionary(col.type) and col.num_chunks > 1:
        col = col.unify_dictionaries()
    return col.combine_chunks()


def utf8_text(data, name, problems):
    """The file's text, or None with the problem (the line and byte that are not UTF-8)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        line = data[:e.start].count(b"\n") + 1
        problems.append((name, line, "not UTF-8 (byte 0x%02x); save the file as UTF-8"
                         % data[e.start]))
        return None


def _python(path, width, delimiter, name, problems):
    text = utf8_text(path.read_bytes(), name, problems)
    if text is None:
        return None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    next(reader, None)
    rows = [r for r in reader if r]
    return [pa.array([r[j] if j < len(r) else "" for r in rows], pa.string())
            for j in range(width)]


def parts(col):
    """(distinct texts as a pyarrow array, code per row as numpy) of a column."""
    if not pa.types.is_dictionary(col.type):
        col = pc.dictionary_encode(col)
        if isinstance(col, pa.ChunkedArray):
            col = col.combine_chunks()
    return col.dictionary, col.indices.to_numpy(zero_copy_only=False)


def empty(col):
    if pa.types.is_dictionary(col.type):
        texts, codes = parts(col)
        return np.asarray(pc.equal(pc.utf8_length(texts), 0))[codes] if len(texts) else \
            np.zeros(len(codes), dtype=bool)
    return np.asarray(pc.equal(pc.utf8_length(col), 0))


def dates(col, problems, name, optional=False):
    """Day ordinals (NO_DATE for an empty optional cell) of ISO or DD-MM-YYYY dates, each
    distinct text read once (a year of readings repeats a few hundred dates); each cell that
    is not a date is a problem. Returns (ordinals, ok mask)."""
    texts, codes = parts(col)
    texts = texts.to_pylist()
    per, bad = np.full(len(texts) or 1, NO_DATE, dtype=np.int32), {}
    for k, t in enumerate(texts):
        if optional and not t:
            continue
        try:
            per[k] = _date(t).toordinal()
        except ValueError as e:
            bad[k] = str(e)
    ok = np.ones(len(codes), dtype=bool)
    if bad:
        hit = np.isin(codes, list(bad))
        ok &= ~hit
        for i in np.flatnonzero(hit):
            problems.append((name, int(i) + 2, bad[int(codes[i])]))
    return per[codes], ok


CHUNK = 1 << 20           # cells per step where a step needs wide temporaries
SIMPLE = r"^-?\d{1,12}(\.\d*)?$"
MAX_DECIMALS = 6           # readings with more decimals are computed in float64


class Fixed:
    """A column of many distinct numbers (meter readings) read in whole columns: `ints`
    the exact values × 10^scale (int64) when no cell has more than MAX_DECIMALS
    decimals, else None and `floats` only (a value with more decimals is a float's repr,
    as the readings export writes a float register). `ok`: cells that are numbers; the
    others are problems with property._dec's reasons."""

    def __init__(self, col, danish, problems, name):
        self.ok = np.ones(len(col), dtype=bool)
        if not danish and not pc.any(pc.match_substring(col, ",")).as_py() and \
                self._plain(col):
            return
        self._checked(col, danish, problems, name)

    def _plain(self, t):
        """Every cell a plain decimal number of at most MAX_DECIMALS decimals (arrow's
        decimal cast accepts it) under 10^12: the whole column at once; else False."""
        scale = 0
        for lo in range(0, len(t), CHUNK):
            part = t.slice(lo, CHUNK)
            dot = np.asarray(pc.find_substring(part, "."))
            after = np.asarray(pc.utf8_length(part)) - dot - 1
            scale = max(scale, int(after[dot >= 0].max(initial=0)))
        if scale > MAX_DECIMALS:
            return False
        ints = np.empty(len(t), dtype=np.int64)
        try:                              # in chunks: a decimal128 is 16 bytes a cell
            for lo in range(0, len(t), CHUNK):
                part = t.slice(lo, CHUNK)
                ints[lo:lo + len(part)] = _low_words(pc.cast(part, pa.decimal128(38, scale)))
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return False
        if len(ints) and np.abs(ints).max() >= 10 ** (12 + scale):
            return False
        self.ints, self.floats, self.scale = ints, None, scale
        return True

    def _checked(self, col, danish, problems, name):
        """Cell by cell where a cell is not plain: Danish numbers, commas, exponents, and
        whatever is not a number (a problem with property._dec's reason)."""
        from .property import GROUPED, _dec
        t = col
        bad = {}
        if danish:
            grouped = pc.match_substring_regex(t, GROUPED.pattern)
            t = pc.if_else(grouped, pc.replace_substring(t, ".", ""), t)
            t = pc.replace_substring(t, ",", ".")
        else:
            comma = pc.and_(pc.match_substring(t, ","), pc.invert(pc.match_substring(t, ".")))
            t = pc.if_else(comma, pc.replace_substring(t, ",", "."), t)
        simple = np.asarray(pc.match_substring_regex(t, SIMPLE))
        if danish:
            simple &= ~np.asarray(pc.and_(pc.match_substring(col, "."),
                                          pc.invert(grouped)))
        others = {}
        for k in np.flatnonzero(~simple):
            try:
                others[int(k)] = _dec(col[k].as_py(), danish=danish)
            except ValueError as e:
                bad[int(k)] = str(e)
        for k, why in bad.items():
            problems.append((name, k + 2, why))
        self.ok[list(bad)] = False
        dot = np.asarray(pc.find_substring(t, "."))
        decimals = np.where(simple & (dot >= 0), np.asarray(pc.utf8_length(t)) - dot - 1, 0)
        scale = int(decimals.max()) if len(decimals) else 0
        scale = max([scale] + [-v.as_tuple().exponent for v in others.values()])
        fill = pc.if_else(pa.array(simple), t, "0")
        if scale <= MAX_DECIMALS:
            self.ints = _low_words(pc.cast(fill, pa.decimal128(38, scale)))
            for k, v in others.items():
                self.ints[k] = int(v.scaleb(scale))
            self.ints[~self.ok] = 0
            self.floats = None
        else:
            self.ints = None
            self.floats = pc.cast(fill, pa.float64()).to_numpy(zero_copy_only=False).copy()
            for k, v in others.items():
                self.floats[k] = float(v)
            self.floats[~self.ok] = 0.0
        self.scale = scale

    def negative(self):
        return self.ints < 0 if self.ints is not None else self.floats < 0

    def as_floats(self):
        return self.floats if self.ints is None else self.ints / 10.0 ** self.scale


def _low_words(dec):
    """The int64 values of a decimal128 array (each |value| < 2^63: the low words)."""
    words = np.frombuffer(dec.buffers()[1], dtype=np.int64,
                          count=2 * len(dec) + 2 * dec.offset)[2 * dec.offset:]
    return words[0::2].copy()


EPOCH = datetime.date(1970, 1, 1).toordinal()


def _date(text):
    from .property import _date as date_of
    return date_of(text)



class Decimals:
    """A column of exact Decimal values as few distinct values and a code per row:
    `values[codes[i]]` is row i's number (default for an empty cell, None when no default
    and optional). Each distinct cell text is read once (property._dec: the same rules and
    messages), so a column of a million areas with a few hundred sizes costs a few hundred
    Decimals; a cell that is not a number is a problem for every row holding it."""

    def __init__(self, col, default, danish, problems, name, optional=False):
        from .property import _dec
        texts, codes = parts(col)
        texts = texts.to_pylist()
        self.codes = codes.astype(np.int16 if len(texts) < 30_000 else np.int32)
        self.values, bad = [], {}
        for k, t in enumerate(texts):
            if optional and not t:
                self.values.append(None)
                continue
            try:
                self.values.append(_dec(t, default, danish))
            except ValueError as e:
                self.values.append(None)
                bad[k] = str(e)
        self.ok = np.ones(len(self.codes), dtype=bool)
        if bad:
            hit = np.isin(self.codes, list(bad))
            self.ok &= ~hit
            for i in np.flatnonzero(hit):
                problems.append((name, int(i) + 2, bad[int(self.codes[i])]))

    def __getitem__(self, i):
        return self.values[self.codes[i]]

    def floats(self, fn=float):
        """fn(value) per row as float64 (NaN for None)."""
        per = np.array([np.nan if v is None else fn(v) for v in self.values] or [0.0])
        return per[self.codes]

    def where(self, test):
        """Rows whose value passes test(value) (None values never do)."""
        hit = np.array([v is not None and bool(test(v)) for v in self.values] or [False])
        return hit[self.codes]


def codes_of(col, known):
    """(code per row into `known`, -1 where the text is not in it)."""
    if not isinstance(known, (pa.Array, pa.ChunkedArray)):
        known = pa.array(list(known), pa.string())
    if pa.types.is_dictionary(col.type):
        texts, codes = parts(col)
        return codes_of(texts, known)[codes] if len(texts) else codes.astype(np.int32)
    if _same_list(col, known):       # the ids in the order they are listed: no look-up
        return np.arange(len(col), dtype=np.int32)
    heads = _run_heads(col)
    if heads is not None:            # runs of one text (a meter's readings): look up each once
        got = codes_of(col.take(pa.array(heads)), known)
        return np.repeat(got, np.diff(np.append(heads, len(col))))
    got = pc.index_in(col, value_set=known)
    return got.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32)


def _same_list(col, known):
    """col is known, cell by cell (a file listing its rows in the order of another)."""
    if len(col) != len(known) or not len(col) or known.null_count:
        return False
    return bool(pc.all(pc.equal(col, known)).as_py())


def _run_heads(col):
    """Starts of runs of equal cells when the cells come in runs (at most 2/3 as many runs
    as cells), else None."""
    if len(col) < 1024:
        return None
    change = np.asarray(pc.not_equal(col.slice(1), col.slice(0, len(col) - 1)))
    if change.sum() > len(col) * 2 // 3:
        return None
    return np.concatenate([[0], np.flatnonzero(change) + 1])


def dense_codes(parts):
    """Rows' combinations of small codes (arrays of ints >= -1, with their counts) as
    (code per row, each distinct combination's parts): what np.unique(axis=0) gives, in
    linear time when the combinations fit a small table."""
    key = np.zeros(len(parts[0][0]), dtype=np.int64)
    space = 1
    for codes, count in parts:
        key = key * (count + 1) + (codes + 1)
        space *= count + 1
    if space <= 1 << 24:
        seen = np.zeros(space, dtype=bool)
        seen[key] = True
        distinct = np.flatnonzero(seen)
        number = np.cumsum(seen) - 1
        inverse = number[key]
    else:
        distinct, inverse = np.unique(key, return_inverse=True)
    out = []
    for codes, count in reversed(parts):
        out.append(distinct % (count + 1) - 1)
        distinct = distinct // (count + 1)
    return inverse.ravel(), np.stack(out[::-1], axis=1)
