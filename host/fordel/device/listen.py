"""`fordel listen --port DONGLE --module im871a|amb8465 [--keys FILE] [--log FILE]`: the
walk-by reader. A USB iM871A or AMB8465 on the laptop, driven by the collector's own radio
driver (firmware/radio, in the micropython binary: firmware/tools/listen_agent.py); every
telegram decoded by the shared codec with the keys of the coding CSV (read by its header)
and shown live, a row a meter: meters not in the keys file and keys that do not decrypt
are highlighted. `--log` writes each telegram as a wmbusmeters simulation line
(`telegram=|HEX|`), for `fordel decode --input` or wmbusmeters itself.
"""
import dataclasses
import json
import os
import subprocess
import time

import click
from rich import box
from rich.live import Live
from rich.table import Table

from wmbus import Decoder, WMBusError, unhex
from wmbus.keys import read_keys
from wmbus.media import media_name

from .. import mpybuild, paths
from .diag_view import console, local_time

from meterrecord import MAIN_FIELDS


@dataclasses.dataclass
class Heard:
    meter: str
    manufacturer: str = "-"
    device_type: int = None
    telegrams: int = 0
    rssi: int = None
    last_seen: float = None
    result: str = ""
    value: str = "-"


def classify(err, has_key, coded):
    """The result column for a telegram that did not decode."""
    text = str(err).lower()
    if not coded:
        return "not coded"
    if "key" in text or "decrypt" in text or "2f2f" in text:
        return "wrong key" if has_key else "no key"
    return "error: " + getattr(err, "reason", str(err))


class Listener:
    """What was heard, a meter at a time; `table()` renders it."""

    def __init__(self, keys, drivers, log=None):
        self.keys = keys
        self.dec = Decoder(keys=keys, drivers=drivers, merge=True)
        self.meters = {}
        self.log = log
        self.frames = 0

    def frame(self, hexstr, rssi, now=None):
        self.frames += 1
        if self.log:
            self.log.write("telegram=|%s|\n" % hexstr.upper())
            self.log.flush()
        raw = unhex(hexstr)
        mid = "%02x%02x%02x%02x" % (raw[7], raw[6], raw[5], raw[4]) if len(raw) > 9 else "?"
        h = self.meters.setdefault(mid, Heard(mid))
        h.telegrams += 1
        h.rssi, h.last_seen = rssi, now or time.time()
        if len(raw) > 9:
            h.device_type = raw[9]
        try:
            r = self.dec.decode(raw)
        except WMBusError as e:
            h.result = classify(e, mid in self.keys, mid in self.keys or not self.keys)
            return h
        h.manufacturer = r.get("manufacturer", h.manufacturer)
        h.result = "ok" if (mid in self.keys or not self.keys) else "not coded"
        for name in MAIN_FIELDS:
            if r.get(name) is not None:
                h.value = "%s %s" % (r[name], name)
                break
        return h

    def table(self):
        t = Table(box=box.SIMPLE_HEAD, pad_edge=False,
                  title="%d telegrams from %d meters" % (self.frames, len(self.meters)))
        for head, right in (("meter", False), ("manufacturer", False), ("device type", False),
                            ("telegrams", True), ("RSSI dBm", True), ("last seen", False),
                            ("result", False), ("reading (raw)", False)):
            t.add_column(head, justify="right" if right else "left")
        for h in sorted(self.meters.values(), key=lambda h: h.meter):
            style = {"ok": None, "not coded": "yellow", "no key": "yellow"}.get(h.result,
                                                                               "red")
            dt = "-" if h.device_type is None else "0x%02X %s" % (
                h.device_type, media_name(h.device_type) or "")
            t.add_row(h.meter, h.manufacturer, dt, str(h.telegrams),
                      "-" if h.rssi is None else str(h.rssi), local_time(h.last_seen),
                      h.result, h.value, style=style)
        return t


def agent(port, module, mode):
    """The firmware's radio driver on `port` in the micropython binary."""
    env = dict(os.environ, MICROPYPATH=os.pathsep.join([str(paths.BOARDS / "sim"), ".frozen"]),
               FORDEL_ROMFS=str(mpybuild.romfs_image()), FORDEL_RADIO_PORT=port,
               FORDEL_RADIO_MODULE=module)
    return subprocess.Popen([paths.micropython_binary(), "-X", "heapsize=2M",
                             str(paths.FIRMWARE / "tools" / "listen_agent.py"), mode],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


@click.command("listen")
@click.option("--port", required=True, help="the dongle's serial port")
@click.option("--module", required=True, type=click.Choice(["im871a", "amb8465"]))
@click.option("--keys", "keys_csv", type=click.Path(exists=True, dir_okay=False),
              help="coding CSV or keys CSV (meter_id,key[,driver]; read by its header)")
@click.option("--log", "log_path", type=click.Path(dir_okay=False),
              help="write every telegram here as wmbusmeters simulation lines")
@click.option("--mode", default="C1T1", show_default=True,
              type=click.Choice(["S1", "T1", "C1", "C1T1"]))
@click.option("--seconds", type=float, default=None, help="stop after this long")
def listen_cmd(port, module, keys_csv, log_path, mode, seconds):
    """Walk-by reader: live decoded readings from a dongle on the laptop."""
    keys, drivers = {}, {}
    if keys_csv:
        try:
            with open(keys_csv, encoding="utf-8") as f:
                keys, drivers = read_keys(f, keys_csv)
        except (OSError, WMBusError) as e:
            raise click.ClickException(str(e)) from e
    log = open(log_path, "a", encoding="ascii") if log_path else None
    lst = Listener(keys, drivers, log)
    proc = agent(port, module, mode)
    end = time.monotonic() + seconds if seconds else None
    try:
        first = json.loads(proc.stdout.readline() or '{"ev": "error", "error": "%s"}'
                           % proc.stderr.read().strip()[-200:].replace('"', "'"))
        if first["ev"] != "ready":
            raise click.ClickException("the %s on %s does not answer: %s"
                                       % (module, port, first.get("error")))
        click.echo("%s on %s: %s" % (module, port, first.get("info")), err=True)
        os.set_blocking(proc.stdout.fileno(), False)
        with Live(lst.table(), console=console(), refresh_per_second=2) as live:
            while end is None or time.monotonic() < end:
                line = proc.stdout.readline()
                if not line:
                    if proc.poll() is not None:
                        raise click.ClickException("radio driver ended: %s"
                                                   % proc.stderr.read()[-400:])
                    time.sleep(0.05)
                    continue
                ev = json.loads(line)
                if ev.get("ev") == "frame":
                    lst.frame(ev["hex"], ev.get("rssi"))
                    live.update(lst.table())
    except KeyboardInterrupt:
        pass
    finally:
        proc.kill()
        proc.wait()
        if log:
            log.close()
