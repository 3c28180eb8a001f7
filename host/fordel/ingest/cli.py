"""`fordel ingest` (the upload server), `fordel ingest status` (the fleet),
`fordel readings export` and `fordel keys import`."""
import contextlib
import datetime
import json
import os
import sys
import time

import click

DB_HELP = "SQLite file (created if missing) or postgresql://user@host/db"


def _open(db):
    from .db import open_db
    try:
        return open_db(db)
    except Exception as e:  # sqlite3 / psycopg errors: name the database and the reason
        raise click.ClickException("cannot open database %s: %s" % (db, e))


@contextlib.contextmanager
def _opened(db):
    """The database for one command, closed after (PostgreSQL: the pool's threads)."""
    store = _open(db)
    try:
        yield store
    finally:
        store.close()


@click.group("ingest", invoke_without_command=True)
@click.option("--db", help=DB_HELP)
@click.option("--collectors", type=click.Path(exists=True, dir_okay=False),
              help="CSV collector_id,key_id,key,meters (see fordel/ingest/registry.py).")
@click.option("--host", default="0.0.0.0", show_default=True)
@click.option("--port", default=8080, show_default=True)
@click.option("--tls-cert", type=click.Path(exists=True, dir_okay=False),
              help="Serve HTTPS with this certificate chain (PEM).")
@click.option("--tls-key", type=click.Path(exists=True, dir_okay=False))
@click.option("--status-token-file", type=click.Path(exists=True, dir_okay=False),
              help="File holding the bearer token GET /status requires "
                   "(or FORDEL_STATUS_TOKEN).")
@click.option("--rate", default=5.0, show_default=True, help="Uploads/s per collector.")
@click.option("--max-body", default=256 * 1024, show_default=True, help="Bytes per upload.")
@click.option("--workers", default=1, show_default=True,
              help="Server processes on the one port (one per core; limits are per worker).")
@click.pass_context
def ingest_cmd(ctx, db, collectors, host, port, tls_cert, tls_key, status_token_file, rate,
               max_body, workers):
    """Receive collectors' uploads into the readings database."""
    if ctx.invoked_subcommand:
        return
    if not db or not collectors:
        raise click.UsageError("fordel ingest needs --db and --collectors")
    if bool(tls_cert) != bool(tls_key):
        raise click.UsageError("--tls-cert and --tls-key go together")
    import signal

    import uvicorn

    from .registry import Registry, RegistryError
    from .server import Ingest, Limits, make_app, serve_workers, settle_gc, uvicorn_config
    try:
        registry = Registry(collectors)
    except (OSError, UnicodeDecodeError, RegistryError) as e:
        raise click.ClickException(str(e))
    token = os.environ.get("FORDEL_STATUS_TOKEN")
    if status_token_file:
        with open(status_token_file, encoding="utf-8") as f:
            token = f.read().strip()
    limits = Limits()
    limits.rate_per_s, limits.max_body = rate, max_body
    ingest = Ingest(_open(db), registry, limits, token or None)
    for cid in registry.unrestricted():
        click.echo("warning: collector %s may write any meter (meters = *)" % cid, err=True)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, lambda *a: registry.refresh(force=True))
    click.echo("ingest on %s://%s:%d/upload, %d collectors, db %s, status %s%s"
               % ("https" if tls_cert else "http", host, port, len(registry.collectors),
                  ingest.db.path.split("@")[-1], "on" if token else "off (no token)",
                  ", %d workers" % workers if workers > 1 else ""))
    tls = (tls_cert, tls_key) if tls_cert else None
    if workers > 1:              # the database is created and migrated above, once
        ingest.db.close()
        serve_workers({"db": db, "collectors": os.path.abspath(collectors), "rate": rate,
                       "max_body": max_body, "token": token or None},
                      host, port, limits, tls, workers)
        return
    cfg = uvicorn_config(make_app(ingest), host, port, limits, tls)
    settle_gc()
    uvicorn.Server(cfg).run()


@ingest_cmd.command("status")
@click.option("--db", required=True, help=DB_HELP)
@click.option("--silent-days", default=3, show_default=True,
              help="List meters with no reading for more than this many days.")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of a table.")
def status_cmd(db, silent_days, as_json):
    """The fleet: per collector last contact, records, gaps, clock skew, errors."""
    with _opened(db) as store:
        st = store.fleet(int(time.time()), silent_days)
    if as_json:
        click.echo(json.dumps(st, indent=1, sort_keys=True))
        return
    click.echo(fleet_table(st))


@ingest_cmd.command("redecode")
@click.option("--db", required=True, help=DB_HELP)
@click.option("--all", "redo", is_flag=True,
              help="Re-decode every record with a key, not only those not checked yet.")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
def redecode_cmd(db, redo, as_json):
    """Decode the records' raw telegrams again with the imported meter keys and compare with
    the collector's values (results: fordel ingest status, readings export host_check)."""
    from .redecode import RESULTS, redecode
    with _opened(db) as store:
        counts = redecode(store, redo)
    if as_json:
        click.echo(json.dumps(counts, sort_keys=True))
        return
    done = sum(counts[r] for r in RESULTS)
    click.echo("%d records re-decoded with imported keys: %s; %d records of meters without "
               "an imported key" % (done, ", ".join("%d %s" % (counts[r], r) for r in RESULTS
                                                     if counts[r]) or "none", counts["no key"]))
    bad = done - counts["agrees"] - counts["no telegram"]
    if bad:
        click.echo("%d records do not agree with the host re-decode: see fordel ingest "
                   "status" % bad, err=True)


def _ago(s):
    if s is None:
        return "never"
    for unit, n in (("d", 86400), ("h", 3600), ("m", 60)):
        if s >= n:
            return "%d%s ago" % (s // n, unit)
    return "%ds ago" % s


def fleet_table(st):
    cols = ("collector", "last contact", "records", "missing seqs", "clock skew s",
            "meter clock", "refused", "auth fail", "rate lim", "bad up", "conflicts")
    rows = []
    for cid, d in sorted(st["collectors"].items()):
        rows.append((cid, _ago(d.get("since_contact_s")), d["records"],
                     d.get("missing_seqs", 0), d.get("clock_skew_s") or 0,
                     d.get("meter_clock_disagreements", 0),
                     sum(d["refused_records"].values()), d.get("auth_failures", 0),
                     d.get("rate_limited", 0), d.get("bad_uploads", 0),
                     d.get("seq_conflicts", 0)))
    w = [max(len(str(r[i])) for r in rows + [cols]) for i in range(len(cols))]
    lines = ["  ".join(str(v).ljust(w[i]) for i, v in enumerate(r)) for r in [cols] + rows]
    for cid, d in sorted(st["collectors"].items()):
        for why, n in sorted(d["refused_records"].items()):
            lines.append("%s: %d refused: %s" % (cid, n, why))
        if d.get("last_error"):
            lines.append("%s: last error: %s" % (cid, d["last_error"]))
        checks = d.get("host_redecode") or {}
        if checks:
            lines.append("%s: host re-decode with imported keys: %s" % (cid, ", ".join(
                "%d %s" % (n, r) for r, n in sorted(checks.items()))))
        for r, first in sorted((d.get("host_redecode_first") or {}).items()):
            lines.append("%s: first %s: %s" % (cid, r, first))
    lines.append("%d meters silent for more than %d days%s"
                 % (len(st["silent_meters"]), st["silent_days"],
                    ": " + " ".join(m["meter_id"] for m in st["silent_meters"][:50])
                    if st["silent_meters"] else ""))
    return "\n".join(lines)


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
@click.option("--db", required=True, help=DB_HELP)
@click.option("--out", type=click.Path(dir_okay=False), default="-")
@click.option("--period", help="YYYY-MM-DD..YYYY-MM-DD")
def export_cmd(db, out, period):
    """Readings CSV for the settlement (one row per meter and day)."""
    start, end = _period(period)
    if not db.startswith("postgres") and not os.path.exists(db):
        raise click.ClickException("no database %s" % db)
    checks = {}
    with _opened(db) as store:
        if out == "-":
            n = store.export_readings(sys.stdout, start, end, checks)
        else:
            with open(out, "w", encoding="utf-8", newline="") as f:
                n = store.export_readings(f, start, end, checks)
    click.echo("%d readings exported%s" % (n, "; host re-decode: " + ", ".join(
        "%d %s" % (k, r) for r, k in sorted(checks.items())) if checks else ""), err=True)


@click.group("keys")
def keys_cmd():
    """Meter AES keys for the host-side re-decode (never printed)."""


@keys_cmd.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--db", required=True, help=DB_HELP)
def keys_import_cmd(file, db):
    """Store the meter keys of a maker's CSV (formats: fordel/ingest/meterkeys.py)."""
    from .meterkeys import KeyFileError, read_meter_keys
    try:
        with open(file, encoding="utf-8") as f:
            pairs = read_meter_keys(f.read(), os.path.basename(file))
    except (OSError, UnicodeDecodeError, KeyFileError) as e:
        raise click.ClickException(str(e))
    with _opened(db) as store:
        new, replaced = store.put_meter_keys(pairs, os.path.basename(file), int(time.time()))
    click.echo("%d meter keys from %s: %d new, %d replaced" % (len(pairs), file, new, replaced))
