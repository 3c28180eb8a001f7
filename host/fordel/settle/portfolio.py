"""Settling a portfolio: several property folders in one run, each property's outputs in its
own folder, one summary.

`settle_property` is the unit of work: one folder in, its outputs written, a small picklable
PropertySummary out (never an exception: a property with bad input is a summary with the
error). The same function runs in this process (`settle_portfolio`) and on a Dask cluster
(fordel.settle.distributed), where each property is one task.
"""
import csv
import io
import os
from dataclasses import dataclass, field
from pathlib import Path

from . import allocate, render
from .property import PropertyError, load

SUMMARY_COLUMNS = ("property", "folder", "out", "statements", "total_ore", "total_dkk",
                   "failed_statements", "checks_not_ok", "error")


@dataclass
class PropertySummary:
    property: str
    folder: str
    out: str
    statements: int = 0
    total_ore: int = 0
    files: int = 0
    failed_statements: list = field(default_factory=list)   # [(tenancy id, reason)]
    checks_not_ok: list = field(default_factory=list)       # ["name: message"]
    error: str = ""

    @property
    def ok(self):
        return not self.error and not self.failed_statements


def property_folders(paths):
    """The property folders named by `paths`: a folder with a property.toml is a property;
    a folder without one is a folder of properties (its subfolders that have one, by name).
    Raises ValueError naming a path that is neither."""
    folders = []
    for p in map(Path, paths):
        if (p / "property.toml").is_file():
            folders.append(p)
            continue
        inside = sorted(d for d in p.iterdir() if (d / "property.toml").is_file()) \
            if p.is_dir() else []
        if not inside:
            raise ValueError("%s: neither a property folder (no property.toml) nor a folder "
                             "of property folders" % p)
        folders.extend(inside)
    return folders


def output_folders(folders, out):
    """One output folder per property: `out` itself for a single property, else
    out/<folder name> (made unique when two folders share a name)."""
    out = Path(out)
    if len(folders) == 1:
        return [out]
    seen, outs = set(), []
    for f in folders:
        name, n = render.safe_name(f.name), 2
        while name.lower() in seen:
            name, n = "%s-%d" % (render.safe_name(f.name), n), n + 1
        seen.add(name.lower())
        outs.append(out / name)
    return outs


def settle_property(folder, out=None, period=None, workers=1, progress=None, on_loaded=None):
    """Load, settle and (with `out`) write one property; return its PropertySummary.
    on_loaded(number of statements) is called once the settlement is computed."""
    summary = PropertySummary(Path(folder).name, str(folder), str(out or ""))
    try:
        result = allocate.settle(load(folder, period))
    except PropertyError as e:
        summary.error = str(e)
        return summary
    summary.property = result.property_name
    summary.statements = len(result.statements)
    summary.total_ore = sum(p.amount_ore for p in result.pools)
    summary.checks_not_ok = ["%s: %s" % (c.name, c.message) for c in result.checks if not c.ok]
    if on_loaded:
        on_loaded(summary.statements)
    if out:
        written = render.write_outputs(result, out, workers, progress, keep_paths=False)
        summary.files = written.count
        summary.failed_statements = list(written.failed)
    return summary


def settle_portfolio(folders, out, period=None, workers=None, progress=None, on_loaded=None):
    """Settle each folder in turn (statements over `workers` processes); the summaries in
    the folders' order. The summary file is written to out/summary.csv."""
    workers = workers or os.cpu_count() or 1
    outs = output_folders(folders, out)
    summaries = [settle_property(f, o, period, workers, progress, on_loaded)
                 for f, o in zip(folders, outs)]
    write_summary(summaries, out)
    return summaries


def summary_csv(summaries):
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(SUMMARY_COLUMNS)
    for s in summaries:
        w.writerow([s.property, s.folder, s.out, s.statements, s.total_ore,
                    "%d.%02d" % divmod(s.total_ore, 100),
                    "; ".join("%s (%s)" % f for f in s.failed_statements),
                    "; ".join(s.checks_not_ok), s.error])
    return buf.getvalue()


def write_summary(summaries, out):
    return render._write(Path(out) / "summary.csv", summary_csv(summaries))
