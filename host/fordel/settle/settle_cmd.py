"""`fordel settle PROPERTY... --out DIR`: validate each property folder, settle, write
statements (HTML, PDF, in parallel over the cores), the board report, exports and EED pages;
several folders (or a folder of property folders) are settled in one run, each into its own
folder under DIR, with one summary (DIR/summary.csv). --scheduler runs each property as a
task on a Dask cluster instead (fordel.settle.distributed)."""
import os

import click
from tqdm import tqdm

from . import portfolio


def settle_folder(folder, period=None, out=None, progress=None, workers=1):
    """One property: (SettlementResult, written paths); the library entry point."""
    from . import allocate, render
    from .property import load
    result = allocate.settle(load(folder, period))
    written = render.write_outputs(result, out, workers, progress) if out else []
    return result, written


@click.command("settle")
@click.argument("property_dirs", nargs=-1, required=True,
                type=click.Path(exists=True, file_okay=False))
@click.option("--period", help="YYYY-MM-DD..YYYY-MM-DD (default: each property.toml's period)")
@click.option("--out", required=True, type=click.Path(file_okay=False))
@click.option("--workers", type=click.IntRange(1), default=None,
              help="processes rendering statements (default: the machine's cores)")
@click.option("--scheduler", default=None, metavar="ADDRESS",
              help="settle each property as a task on this Dask scheduler (tcp://host:8786)")
def settle_cmd(property_dirs, period, out, workers, scheduler):
    """Settle properties' heating and water costs into one statement per tenancy."""
    try:
        folders = portfolio.property_folders(property_dirs)
    except ValueError as e:
        raise click.ClickException(str(e))
    if scheduler:
        from . import distributed
        summaries = distributed.settle_on_dask(folders, out, scheduler, period)
    else:
        summaries = _settle_here(folders, out, period, workers or os.cpu_count() or 1)
    _echo_summary(summaries, out)
    if any(not s.ok for s in summaries):
        raise SystemExit(1)


def _settle_here(folders, out, period, workers):
    with tqdm(total=0, unit="statement", desc="statements", dynamic_ncols=True) as bar:
        def loaded(n):
            bar.total += n
            bar.refresh()
        return portfolio.settle_portfolio(folders, out, period, workers, bar.update, loaded)


def _echo_summary(summaries, out):
    for s in summaries:
        if s.error:
            click.echo("%s: not settled\n%s" % (s.folder, s.error), err=True)
            continue
        click.echo("%s: %d statements, %s DKK distributed; %d files in %s"
                   % (s.property, s.statements, "%d.%02d" % divmod(s.total_ore, 100),
                      s.files, s.out))
        for tenancy, reason in s.failed_statements:
            click.echo("  statement %s not written: %s" % (tenancy, reason), err=True)
        for c in s.checks_not_ok:
            click.echo("  check %s" % c)
    if len(summaries) > 1:
        click.echo("%d properties, %d settled, %d statements; summary in %s/summary.csv"
                   % (len(summaries), sum(1 for s in summaries if not s.error),
                      sum(s.statements for s in summaries), out))
