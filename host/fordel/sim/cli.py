"""`fordel sim`: a simulated property's meters as telegram files, coding CSV, or live on a
simulated radio module (pty).

    fordel sim telegrams --apartments 4 --hours 24 --out telegrams.hex
    fordel sim coding --apartments 4 --out coding.csv
    fordel sim radio --module im871a --apartments 4 --speed 60 --coding coding.csv

The same --apartments/--hca/--seed/--mode/--start give the same meters, ids and keys in
every subcommand.
"""
import datetime
import sys

import click

from fordel.sim.property import SimProperty
from fordel.sim.scenario import Faults, Scenario


def _property_options(f):
    opts = [
        click.option("--apartments", default=4, show_default=True, type=click.IntRange(1, 500)),
        click.option("--hca", "hca", default=3, show_default=True, type=click.IntRange(0, 20),
                     help="heat cost allocators per apartment"),
        click.option("--hot", default=1, show_default=True, type=click.IntRange(0, 4),
                     help="hot-water meters per apartment"),
        click.option("--cold", default=1, show_default=True, type=click.IntRange(0, 4),
                     help="cold-water meters per apartment"),
        click.option("--seed", default=1, show_default=True, type=int),
        click.option("--mode", default=5, show_default=True, type=click.Choice(["0", "5", "7"]),
                     help="OMS security mode of every meter"),
        click.option("--start", default="2024-01-15T00:00", show_default=True,
                     help="simulated start time (ISO)"),
        click.option("--wrong-key", default=0, show_default=True, type=click.IntRange(0),
                     help="meters keyed differently from their coding"),
        click.option("--uncoded", default=0, show_default=True, type=click.IntRange(0),
                     help="extra meters on air that are not coded"),
    ]
    for o in reversed(opts):
        f = o(f)
    return f


def _property(apartments, hca, hot, cold, seed, mode, start, wrong_key, uncoded):
    try:
        t0 = datetime.datetime.fromisoformat(start)
    except ValueError:
        raise click.BadParameter("%r is not an ISO date/time" % start, param_hint="--start")
    return SimProperty(apartments=apartments, hca_per_apartment=hca, hot_water=hot,
                       cold_water=cold, seed=seed, mode=int(mode), start=t0,
                       wrong_key=wrong_key, uncoded=uncoded)


def _faults(text):
    try:
        return Faults.parse(text)
    except ValueError as e:
        raise click.BadParameter(str(e), param_hint="--faults")


FAULTS_HELP = ("fault rates per telegram, e.g. 'corrupt=0.01,crc=0.01,duplicate=0.05,uart=0.01,"
               "resets=3600;7200' (resets: simulated seconds)")


@click.group("sim")
def sim_cmd():
    """Simulated meters and radio modules."""


@sim_cmd.command("telegrams")
@_property_options
@click.option("--hours", default=24.0, show_default=True, type=click.FloatRange(0))
@click.option("--out", "out", default="-", show_default=True, help="hex lines; '-' = stdout")
@click.option("--format", "fmt", default="none", show_default=True,
              type=click.Choice(["none", "a"]),
              help="none: DLL CRCs removed (as modules deliver); a: raw frame format A")
@click.option("--faults", default="", help=FAULTS_HELP)
@click.option("--record", default=None, help="write what was sent (JSON) here")
def telegrams_cmd(hours, out, fmt, faults, record, **prop_kw):
    """Telegrams of the property over --hours, one hex line each (fordel decode --input).
    Telegrams a module would drop (crc fault) are written only with --format a."""
    prop = _property(**prop_kw)
    sc = Scenario(prop, _faults(faults))
    f = sys.stdout if out == "-" else open(out, "w", encoding="ascii")
    n = 0
    try:
        f.write("# fordel sim: %d meters, seed %s, start %s, %.3g h\n"
                % (len(prop.meters), prop.seed, prop.start.isoformat(), hours))
        for s in sc.run(None, hours * 3600.0):
            if fmt == "a":
                f.write(s.raw.hex().upper() + "\n")
            elif s.delivered:
                f.write(s.frame.hex().upper() + "\n")
            else:
                continue
            n += 1
    finally:
        if f is not sys.stdout:
            f.close()
    if record:
        sc.save(record)
    click.echo("%d telegrams from %d meters over %.3g simulated hours%s"
               % (n, len(prop.meters), hours, "" if out == "-" else " -> " + out), err=True)


@sim_cmd.command("coding")
@_property_options
@click.option("--out", "out", default="-", show_default=True, help="CSV; '-' = stdout")
def coding_cmd(out, **prop_kw):
    """The technician's coding CSV of the property (for the collector)."""
    prop = _property(**prop_kw)
    text = prop.coding_csv()
    if out == "-":
        click.echo(text, nl=False)
    else:
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)
        click.echo("%d meters coded -> %s" % (len(prop.rows), out), err=True)


@sim_cmd.command("radio")
@_property_options
@click.option("--module", "module", default="im871a", show_default=True,
              type=click.Choice(["im871a", "amb8465"]))
@click.option("--speed", default=1.0, show_default=True, type=click.FloatRange(0),
              help="simulated seconds per wall second (1 = real time, 0 = flat out)")
@click.option("--hours", default=0.0, show_default=True, type=click.FloatRange(0),
              help="simulated hours to run; 0 = until interrupted")
@click.option("--coding", default=None, help="also write the coding CSV here")
@click.option("--faults", default="", help=FAULTS_HELP)
@click.option("--record", default=None, help="write what was sent (JSON) here at the end")
@click.option("--quiet", is_flag=True, help="no line per telegram")
def radio_cmd(module, speed, hours, coding, faults, record, quiet, **prop_kw):
    """Start a simulated radio module on a pty, print its path, and feed it the property's
    telegrams in real or accelerated time."""
    prop = _property(**prop_kw)
    sc = Scenario(prop, _faults(faults))
    if coding:
        prop.write_coding(coding)
    if module == "im871a":
        from fordel.sim.im871a import Im871aSimulator as Sim
    else:
        from fordel.sim.amb8465 import Amb8465Simulator as Sim
    sim = Sim()
    path = sim.start()
    click.echo(path)
    click.echo("%s simulator on %s: %d meters%s, speed x%g" % (
        module, path, len(prop.meters), ", coding -> " + coding if coding else "", speed),
        err=True)
    sys.stdout.flush()

    def show(s):
        if not quiet:
            click.echo("%s %s %-10s %s%s" % (s.at.strftime("%Y-%m-%d %H:%M:%S"), s.meter_id,
                                             s.kind, "sent" if s.delivered else "lost",
                                             " " + (s.fault or s.meter_fault or "")
                                             if (s.fault or s.meter_fault) else ""), err=True)

    total = hours * 3600.0 if hours else float("inf")
    chunk = 60.0 if not speed else max(60.0, speed * 1.0)
    try:
        while sc.clock < total:
            step = min(chunk, total - sc.clock)
            sc.run(sim, step, speed=speed, on_sent=show)
    except KeyboardInterrupt:
        pass
    finally:
        sim.close()
        if record:
            sc.save(record)
    click.echo("%d telegrams, %d delivered" % (len(sc.sent), sum(s.delivered for s in sc.sent)),
               err=True)


from fordel.device.simboard_cli import board_cmd  # noqa: E402  (it uses the options above)

sim_cmd.add_command(board_cmd)
