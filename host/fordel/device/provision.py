"""`fordel provision --port P COLLECTOR.toml CODING.csv`: put a collector into service.

1. COLLECTOR.toml and every row of CODING.csv are checked on the laptop with the rules the
   collector applies at boot (shared/meterrecord: config.py, coding.py); any problem stops
   here, listed in full, and nothing is written.
2. Over the board's REPL (mpremote's library, raw REPL): each file goes to the collector's
   flash as NAME.tmp, is renamed over NAME (a reset mid-way leaves the old file or the new
   one, never half of one) and its SHA-256 is read back and compared.
3. The board restarts and the app must answer on its console with the new collector id,
   every meter coded and no config or coding error.

COLLECTOR.toml holds the settings of config.json (shared/meterrecord/config.py), e.g.

    collector_id = "hus-7"
    upload_url = "https://ingest.example.dk/upload"
    upload_key = "00112233445566778899aabbccddeeff"
    wifi_ssid = "kaelder"
    wifi_password = "..."
"""
import contextlib
import hashlib
import io
import json
import time
import tomllib

import click

from meterrecord import coding, config

from .diag import ConsoleLink, DiagError


class ProvisionError(Exception):
    pass


BOOTLOADER_SIGNS = (b"waiting for download", b"DOWNLOAD_BOOT", b"download mode")


def check_files(toml_path, csv_path):
    """(config dict, coding text, number of meters) or ProvisionError listing every problem."""
    try:
        with open(toml_path, "rb") as f:
            given = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as e:
        raise ProvisionError("%s: %s" % (toml_path, e)) from e
    cfg, problems = config.check(given)
    problems = ["%s: %s" % (toml_path, p) for p in problems]
    try:
        with open(csv_path, encoding="utf-8") as f:
            text = f.read()
    except (OSError, UnicodeDecodeError) as e:
        raise ProvisionError("%s: %s" % (csv_path, e)) from e
    rows, bad = coding.check_file(text.splitlines(), str(csv_path))
    problems += bad
    if not rows and not bad:
        problems.append("%s: no meters in the file" % csv_path)
    if problems:
        raise ProvisionError("nothing written; fix these first:\n  " + "\n  ".join(problems))
    return cfg, text, len(rows)


def connect(port, timeout=10):
    """The board's raw REPL after a soft reset (its boot.py mounts the flash)."""
    from mpremote.transport import TransportError
    from mpremote.transport_serial import SerialTransport
    try:
        # a read timeout: mpremote reads a pty blocking, which never ends on a silent port
        t = SerialTransport(port, baudrate=115200, timeout=1)
    except TransportError as e:
        raise ProvisionError("cannot open %s: %s (is it the collector's USB port?)"
                             % (port, e)) from e
    seen = io.StringIO()
    try:
        with contextlib.redirect_stdout(seen):      # mpremote prints what it got on failure
            t.enter_raw_repl(soft_reset=True, timeout_overall=timeout)
    except TransportError as e:
        t.close()
        got = seen.getvalue().encode()
        if any(s in got for s in BOOTLOADER_SIGNS):
            raise ProvisionError("the board on %s is in its bootloader (download mode): "
                                 "press its reset button (not BOOT) and try again" % port) from e
        raise ProvisionError("no MicroPython REPL answers on %s within %d s: is the collector "
                             "powered, flashed (fordel flash) and this its port? (%s)"
                             % (port, timeout, (got[-80:] or b"silence").decode("ascii",
                                                                                "replace"))) from e
    return t


def board_facts(t, port):
    from mpremote.transport import TransportError
    try:
        out = t.exec("import board\nprint(board.NAME, board.mount_flash())")
    except TransportError as e:
        raise ProvisionError("MicroPython on %s has no collector firmware (%s): run "
                             "fordel flash first" % (port, str(e).strip()[-120:])) from e
    name, flash = out.decode().split()
    return name, flash


def put_file(t, flash, name, data):
    """NAME.tmp, renamed over NAME, read back by hash; returns the SHA-256 hex."""
    final, tmp = "%s/%s" % (flash, name), "%s/%s.tmp" % (flash, name)
    t.fs_writefile(tmp, data)
    t.exec("import os\nos.rename(%r, %r)" % (tmp, final))
    want = hashlib.sha256(data).digest()
    got = t.fs_hashfile(final, "sha256")
    if got != want:
        raise ProvisionError("%s on the collector reads back as sha256 %s, not %s"
                             % (final, got.hex(), want.hex()))
    return want.hex()


def wait_for_app(port, cfg, meters, timeout=60):
    """The restarted app's status, once it reports the new coding; ProvisionError if it
    does not answer or reports a problem."""
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        time.sleep(1.0)
        try:
            link = ConsoleLink(port, timeout=3)
        except DiagError as e:      # a board's USB port comes back after its reset
            last = e
            continue
        try:
            st = link.query("status")
        except DiagError as e:
            last = e
            continue
        finally:
            link.close()
        if st.get("collector_id") != cfg["collector_id"]:
            last = "collector id %r" % st.get("collector_id")
            continue
        errors = [str(st[k]) for k in ("config_error", "coding_error") if st.get(k)]
        if errors or st.get("coded_meters") != meters:
            raise ProvisionError("the collector restarted but reports: %s"
                                 % ("; ".join(errors) or "%s meters coded, not %d"
                                    % (st.get("coded_meters"), meters)))
        return st
    raise ProvisionError("the collector on %s did not answer on its console within %d s after "
                         "its restart (%s)" % (port, timeout, last))


def provision(port, toml_path, csv_path, echo=print, timeout=10):
    cfg, text, meters = check_files(toml_path, csv_path)
    echo("checked: %s (collector %s), %s (%d meters)"
         % (toml_path, cfg["collector_id"], csv_path, meters))
    t = connect(port, timeout)
    try:
        name, flash = board_facts(t, port)
        echo("board %s on %s, flash at %s" % (name, port, flash))
        for fname, data in (("config.json", json.dumps(cfg, indent=1).encode()),
                            ("coding.csv", text.encode())):
            digest = put_file(t, flash, fname, data)
            echo("wrote %s/%s: %d bytes, sha256 %s... read back" % (flash, fname, len(data),
                                                                    digest[:16]))
        t.exec_raw_no_follow("import board\nboard.restart()")
    finally:
        t.close()
    echo("restarting the collector...")
    st = wait_for_app(port, cfg, meters)
    echo("collector %s is collecting: %d meters coded, radio %s"
         % (st["collector_id"], st["coded_meters"], st.get("radio", {}).get("state", "?")))
    return st


@click.command("provision")
@click.option("--port", default=None, help="the collector's USB serial port (or sim board pty)")
@click.option("--check", "check_only", is_flag=True,
              help="only check the two files (no board needed)")
@click.option("--timeout", default=10, show_default=True, help="seconds to wait for the REPL")
@click.argument("collector_toml", type=click.Path(dir_okay=False))
@click.argument("coding_csv", type=click.Path(dir_okay=False))
def provision_cmd(port, check_only, timeout, collector_toml, coding_csv):
    """Check COLLECTOR_TOML and CODING_CSV, write them to the collector on PORT, read them
    back and restart it."""
    try:
        if check_only:
            cfg, _, meters = check_files(collector_toml, coding_csv)
            click.echo("%s and %s are fine: collector %s, %d meters"
                       % (collector_toml, coding_csv, cfg["collector_id"], meters))
            return
        if not port:
            raise ProvisionError("give --port (the collector's USB port), or --check")
        provision(port, collector_toml, coding_csv, echo=click.echo, timeout=timeout)
    except ProvisionError as e:
        raise click.ClickException(str(e)) from e
