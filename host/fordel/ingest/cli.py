"""`fordel ingest` (the upload server) and `fordel readings export`."""
import datetime
import sys

import click


@click.command("ingest")
@click.option("--db", "db_path", required=True, type=click.Path(dir_okay=False),
              help="SQLite readings database (created if missing).")
@click.option("--collectors", required=True, type=click.Path(exists=True, dir_okay=False),
              help="CSV collector_id,key (hex HMAC key), one row per collector.")
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=8080, show_default=True)
def ingest_cmd(db_path, collectors, host, port):
    """Receive collectors' uploads into the readings database."""
    from .server import IngestServer, read_collector_keys
    try:
        keys = read_collector_keys(collectors)
    except (OSError, ValueError) as e:
        raise click.ClickException(str(e))
    srv = IngestServer((host, port), db_path, keys, log=lambda m: click.echo(m, err=True))
    click.echo("ingest on http://%s:%d/upload, %d collectors, db %s"
               % (host, srv.server_address[1], len(keys), db_path))
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass


def _period(text):
    if not text:
        return None, None
    try:
        a, b = text.split("..")
        return datetime.date.fromisoformat(a), datetime.date.fromisoformat(b)
    except ValueError:
        raise click.BadParameter("period must be YYYY-MM-DD..YYYY-MM-DD, got %r" % text)


@click.group("readings")
def readings_cmd():
    """Readings in the ingest database."""


@readings_cmd.command("export")
@click.option("--db", "db_path", required=True, type=click.Path(exists=True, dir_okay=False))
@click.option("--out", type=click.Path(dir_okay=False), default="-")
@click.option("--period", help="YYYY-MM-DD..YYYY-MM-DD")
def export_cmd(db_path, out, period):
    """Readings CSV for the settlement (one row per meter and day)."""
    from .db import ReadingsDB
    start, end = _period(period)
    db = ReadingsDB(db_path)
    if out == "-":
        n = db.export_readings(sys.stdout, start, end)
    else:
        with open(out, "w", encoding="utf-8", newline="") as f:
            n = db.export_readings(f, start, end)
    click.echo("%d readings exported" % n, err=True)
