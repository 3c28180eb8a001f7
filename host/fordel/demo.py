"""`fordel demo`: the main job end to end on simulated meters.

    simulated property (meters, keys, coding)  ->  radio-module simulator on a pty
    ->  collector firmware on the sim board (micropython, ROMFS, littlefs flash)
    ->  HMAC-signed uploads  ->  ingest server + readings database
    ->  readings export  ->  settlement  ->  statements (HTML, PDF), board report, exports

A year of a small property is played in about a minute (the sim board's clock runs fast).
Everything is written under --out (default build/demo).
"""
import datetime
import json
import pathlib
import shutil
import time

import click

from . import paths


def _stage(msg):
    click.echo(click.style("▶ " + msg, bold=True))


def run_collector_year(out, apartments, days, speed, module):
    """Play `days` of the property through the firmware; returns (prop, rig facts, csv)."""
    from fordel.device.rig import CollectorRig
    from fordel.sim.property import SimProperty
    from fordel.sim.scenario import Faults

    start = datetime.datetime(2024, 1, 1)
    prop = SimProperty(apartments=apartments, hca_per_apartment=3, seed=2024, start=start,
                       interval=(20 * 3600, 28 * 3600), wrong_key=1, uncoded=1,
                       set_day=(12, 31))
    _stage("simulated property: %d apartments, %d meters (%d coded, 1 keyed wrong, 1 not "
           "coded)" % (apartments, len(prop.meters), len(prop.rows)))
    (out / "coding.csv").write_text(prop.coding_csv())
    with CollectorRig(out / "collector", prop, module=module, speed=speed,
                      faults=Faults(corrupt=0.005, duplicate=0.02, uart=0.005),
                      store_every_h=6, batch=60, flash_mb=4, with_tools=_stage) as rig:
        st = rig.wait_ready(60)
        _stage("collector firmware up on the sim board (radio %s %s, free heap %d B)"
               % (st["radio_info"].get("module"), st["radio_info"].get("firmware"),
                  st["free_heap"]))
        _stage("sim board interpreter: %s, heap %s"
               % (rig.board.interpreter.label, rig.board.heap_cap()))
        t0 = time.monotonic()
        done = 0
        with click.progressbar(length=days, label="  playing %d days" % days) as bar:
            while done < days:
                n = min(30, days - done)
                rig.scenario.run(rig.radio, sim_seconds=n * 86400, speed=speed)
                done += n
                bar.update(n)
        rig.wait_drained()
        st = rig.wait_uploaded(120)
        meters = rig.console.query("meters")["items"]
        uncoded = rig.console.query("uncoded")["items"]
        tot = st["totals"]
        _stage("collector: %d telegrams in %.0f s, %d decoded, %d decrypt failures, %d "
               "stored, %d uploaded, %d dropped (full flash); uncoded heard: %s"
               % (st["frames"], time.monotonic() - t0, tot["ok"], tot["decrypt_failures"],
                  st["store"]["appended"], st["uplink"]["sent"], st["store"]["dropped_records"],
                  ", ".join(u["id"] for u in uncoded)))
        (out / "collector-status.json").write_text(json.dumps(
            {"status": st, "meters": meters, "uncoded": uncoded}, indent=1))
        readings = out / "readings.csv"
        with open(readings, "w", encoding="utf-8", newline="") as f:
            n = rig.db.export_readings(f)
        _stage("ingest: %d records in %s; readings export: %d rows -> %s"
               % (rig.db.count(), rig.db.path, n, readings))
    return prop, readings


@click.command("demo")
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Output folder (default build/demo in a checkout, else ~/.cache/fordel/demo).")
@click.option("--apartments", default=6, show_default=True)
@click.option("--days", default=365, show_default=True)
@click.option("--speed", default=600000, show_default=True,
              help="Simulated seconds per wall-clock second.")
@click.option("--module", type=click.Choice(["im871a", "amb8465"]), default="im871a")
def demo_cmd(out, apartments, days, speed, module):
    """Run the pipeline end to end on simulated meters and print what each stage produced."""
    out = pathlib.Path(out) if out else paths.work_dir() / "demo"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    prop, readings = run_collector_year(out, apartments, days, speed, module)
    from .demo_settle import settle_demo
    settle_demo(out, prop, readings, _stage, days)
