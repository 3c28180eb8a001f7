"""`fordel decode`: wM-Bus telegrams (hex) in, one JSON object (or text line) per telegram out.

Telegrams given in one call are one stream, decoded in order, so a compact frame can use an
earlier full frame of the same meter. Input: hex arguments and/or --input FILE ('-' = stdin)
with plain hex lines or wmbusmeters `telegram=|HEX|` lines. --as-collector runs the same
decoding inside the real `micropython` binary under the collector's heap cap.
"""
import json
import os
import subprocess
import sys

import click

from wmbus import Decoder, WMBusError, unhex
from wmbus.keys import parse_key, read_keys, telegram_hex

from . import paths


def _lines(inputs, hexes):
    for h in hexes:
        yield "argument", h
    for path in inputs:
        if path == "-":
            for line in sys.stdin:
                yield "stdin", line
        else:
            try:
                f = open(path, encoding="utf-8", errors="replace")
            except OSError as e:
                raise click.ClickException("cannot read --input %s: %s" % (path, e.strerror))
            with f:
                for line in f:
                    yield path, line


def text_line(r):
    head = "%s %s %s %s" % (r.get("id"), r.get("manufacturer", ""), r.get("meter"), r.get("media"))
    skip = ("_", "id", "manufacturer", "meter", "media", "name")
    return head + ": " + " ".join("%s=%s" % (k, v) for k, v in r.items() if k not in skip)


def decode_stream(lines, decoder, driver=None, out=None, fmt="json", err=None):
    """Decode (source, line) pairs in order; write results; return (ok, failed)."""
    out = out or sys.stdout
    err = err or sys.stderr
    ok = failed = 0
    dumps = json.JSONEncoder(check_circular=False).encode
    write = out.write
    n = {}
    for source, line in lines:
        n[source] = n.get(source, 0) + 1
        h = telegram_hex(line)
        if h is None:
            continue
        try:
            r = decoder.decode(unhex(h), driver=driver)
        except WMBusError as e:
            failed += 1
            where = "%s line %d" % (source, n[source]) if source != "argument" else "argument"
            err.write("error: %s (%s)\n" % (e, where))
            if fmt == "json":
                write(dumps({"_": "error", "id": e.meter, "error": e.reason, "kind": e.kind,
                             "where": where}) + "\n")
            continue
        ok += 1
        write((dumps(r) if fmt == "json" else text_line(r)) + "\n")
    return ok, failed


def analyze_stream(lines, keys, key, driver, fmt):
    """`--analyze`: one report per telegram (analyze.py); exit status 1 if any could not be
    decrypted or parsed."""
    from . import analyze
    bad = 0
    for _, line in lines:
        h = telegram_hex(line)
        if h is None:
            continue
        frame = unhex(h)
        k = key if key is not None else (keys or None)
        report = analyze.analyze(frame, k, driver)
        if report["decryption"] not in ("plaintext", "decrypted"):
            bad += 1
        click.echo(json.dumps(report, default=str) if fmt == "json" else analyze.text(report))
    return 1 if bad else 0


def run_as_collector(lines, keys_csv, key, driver, fmt):
    """Feed the hex lines to firmware/tools/decode_stream.py on the sim board's interpreter
    (the 32-bit build with the collector frozen, at the ESP32's 96K; else the PyPI binary
    with the heap it needs and the ROMFS image) and pass its output through."""
    from .device.interpreter import sim_interpreter
    interp = sim_interpreter()
    env = dict(os.environ, MICROPYPATH=".frozen")
    heap = interp.heap
    if not interp.frozen:
        from . import mpybuild
        rom = mpybuild.romfs_image()
        env["FORDEL_ROMFS"] = str(rom)
        heap = "%dK" % (int(heap.rstrip("Kk")) + (rom.stat().st_size + 1023) // 1024)
    args = [interp.path, "-X", "heapsize=" + heap,
            str(paths.FIRMWARE / "tools" / "decode_stream.py")]
    if keys_csv:
        args += ["--keys", keys_csv]
    if key:
        args += ["--key", key]
    if driver:
        args += ["--driver", driver]
    args += ["--format", fmt]
    proc = subprocess.Popen(args, stdin=subprocess.PIPE, env=env)
    n = {}
    try:
        for source, line in lines:
            n[source] = n.get(source, 0) + 1
            h = telegram_hex(line)
            if h is not None:
                where = "%s line %d" % (source, n[source]) if source != "argument" else \
                    "argument"
                proc.stdin.write(("%s\t%s\n" % (where, h)).encode())
        proc.stdin.close()
    except BrokenPipeError:
        pass
    return proc.wait()


@click.command("decode")
@click.argument("telegrams", nargs=-1)
@click.option("--key", help="AES-128 key (32 hex digits), or DES (16, security mode 2), "
              "for every telegram.")
@click.option("--keys", "keys_csv", type=click.Path(dir_okay=False),
              help="CSV: meter id, key, optional driver (one row per meter).")
@click.option("--driver", help="Driver name (as in wmbusmeters) where detection is ambiguous.")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="json")
@click.option("--input", "inputs", multiple=True,
              help="File of hex or `telegram=|HEX|` lines; '-' for stdin. Repeatable.")
@click.option("--as-collector", is_flag=True,
              help="Decode inside the micropython binary under the collector's 96K heap.")
@click.option("--analyze", is_flag=True,
              help="Explain each telegram: header, decryption, each record's meaning, "
                   "which drivers fit.")
def decode_cmd(telegrams, key, keys_csv, driver, fmt, inputs, as_collector, analyze):
    """Decode wM-Bus telegrams to readings, one JSON object per telegram."""
    if not telegrams and not inputs:
        raise click.UsageError("give telegrams as hex arguments or --input FILE")
    try:
        k = parse_key(key, "--key: ") if key else None
        keys, drivers = {}, {}
        if keys_csv:
            try:
                with open(keys_csv, encoding="utf-8") as f:
                    keys, drivers = read_keys(f, keys_csv)
            except OSError as e:
                raise click.ClickException("cannot read --keys %s: %s" % (keys_csv, e.strerror))
    except WMBusError as e:
        raise click.ClickException(str(e))
    lines = _lines(inputs, telegrams)
    if analyze:
        sys.exit(analyze_stream(lines, keys, k, driver, fmt))
    if as_collector:
        sys.exit(run_as_collector(lines, keys_csv, key, driver, fmt))
    dec = Decoder(keys=keys, drivers=drivers, merge=True)
    if k is not None:
        dec.keys["*"] = k
    ok, failed = decode_stream(lines, dec, driver, sys.stdout, fmt)
    if failed:
        click.echo("%d decoded, %d failed" % (ok, failed), err=True)
        sys.exit(1)
