"""`fordel settle PROPERTY --period A..B --out DIR`: validate the property folder, settle,
write statements (HTML, PDF), the board report, exports and EED pages."""
import click

from . import allocate, render
from .property import PropertyError, load


def settle_folder(folder, period=None, out=None, progress=None):
    prop = load(folder, period)
    result = allocate.settle(prop, progress)
    written = render.write_outputs(result, out) if out else []
    return result, written


@click.command("settle")
@click.argument("property_dir", type=click.Path(exists=True, file_okay=False))
@click.option("--period", help="YYYY-MM-DD..YYYY-MM-DD (default: property.toml's period)")
@click.option("--out", required=True, type=click.Path(file_okay=False))
def settle_cmd(property_dir, period, out):
    """Settle a property's heating and water costs into one statement per tenancy."""
    try:
        with click.progressbar(length=7, label="settling") as bar:
            result, written = settle_folder(property_dir, period, out, bar.update)
    except PropertyError as e:
        raise click.ClickException(str(e))
    total = sum(p.amount_ore for p in result.pools)
    click.echo("%d statements, %d pools, %s DKK distributed; %d files in %s"
               % (len(result.statements), len(result.pools), "%d.%02d" % divmod(total, 100),
                  len(written), out))
    for c in result.checks:
        if not c.ok:
            click.echo("check %s: %s" % (c.name, c.message))
