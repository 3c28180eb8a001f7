"""`fordel sim board`: a collector on the sim board that tools reach as a real one.

    fordel sim board --apartments 4 --speed 60         # prints the console port, e.g. /dev/pts/7
    mpremote connect /dev/pts/7 fs ls :/flash
    fordel provision --port /dev/pts/7 collector.toml coding.csv
    fordel diag --port /dev/pts/7 meters

The firmware runs behind the printed pty; a soft reset (Ctrl-D) or a board restart starts it
again, as a board does. Its radio module is the simulator fed with the property's telegrams,
or a real dongle (--radio-port). The flash image stays in --workdir between runs.
"""
import datetime
import pathlib
import signal
import sys
import threading
import time

import click

from fordel.device.simboard import SimBoard
from fordel.sim.cli import FAULTS_HELP, _faults, _property, _property_options


@click.command("board")
@_property_options
@click.option("--module", default="im871a", show_default=True,
              type=click.Choice(["im871a", "amb8465"]))
@click.option("--radio-port", default=None,
              help="a real radio module's tty instead of the simulator")
@click.option("--workdir", default="simboard", show_default=True, type=click.Path(),
              help="where the board's flash image and log are kept")
@click.option("--speed", default=1.0, show_default=True, type=click.FloatRange(0.001),
              help="simulated seconds per wall second for the meters and the board's clock")
@click.option("--faults", default="", help=FAULTS_HELP)
@click.option("--seconds", default=0.0, type=click.FloatRange(0),
              help="stop after this long (0: until Ctrl-C)")
def board_cmd(module, radio_port, workdir, speed, faults, seconds, **prop_kw):
    """Start the collector firmware on the sim board and print its console port."""
    from fordel.sim.scenario import Scenario
    prop = _property(**prop_kw)
    sim = None
    if not radio_port:
        from fordel.device.rig import radio_simulator
        sim = radio_simulator(module)
        radio_port = sim.start()
    start = int(prop.start.replace(tzinfo=datetime.UTC).timestamp())
    board = SimBoard(pathlib.Path(workdir), module=module,
                     clock=(start, speed) if speed != 1 else None)
    board.start(radio_port)
    click.echo(board.port)
    click.echo("sim board (%s) console on %s; flash %s, log %s; Ctrl-C stops it"
               % (module, board.port, board.image, board.log_path), err=True)
    sys.stdout.flush()
    stop = threading.Event()
    # `kill` or a test's terminate(): the firmware is stopped too (below), not left running
    # without its supervisor; SIGHUP (the terminal closed) the same
    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, _exit)
    if sim is not None:
        sc = Scenario(prop, _faults(faults))
        threading.Thread(target=_feed, args=(sc, sim, speed, stop), daemon=True).start()
    try:
        end = time.monotonic() + seconds if seconds else None
        while end is None or time.monotonic() < end:
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        stop.set()
        board.stop(hard=False)
        if sim is not None:
            sim.close()


def _exit(signum, frame):
    sys.exit(128 + signum)


def _feed(sc, sim, speed, stop):
    """The property's meters on air, a simulated minute at a time, until stopped."""
    while not stop.is_set():
        try:
            sc.run(sim, 60.0, speed=speed)
        except OSError:         # the simulator closed at the end
            return
