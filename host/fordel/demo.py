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
    """Play `days` of the property through the firmware with the faults of the ground-truth
    test (the HIL suite's test_ground_truth.py); returns (prop, readings csv path)."""
    from fordel.device.rig import COLLECTOR, CollectorRig
    from fordel.sim.property import SimProperty
    from fordel.sim.scenario import Faults

    start = datetime.datetime(2024, 1, 1)
    prop = SimProperty(apartments=apartments, hca_per_apartment=3, seed=2024, start=start,
                       interval=(20 * 3600, 28 * 3600), wrong_key=2, uncoded=1,
                       set_day=(12, 31))
    water = next(mid for mid, r in prop.rows.items() if r["kind"] == "cold_water")
    prop.rows[water]["multiplier"] = "2"
    _stage("simulated property: %d apartments, %d meters (%d coded, 2 keyed wrong, 1 not "
           "coded, cold-water meter %s with multiplier 2)"
           % (apartments, len(prop.meters), len(prop.rows), water))
    (out / "coding.csv").write_text(prop.coding_csv())
    with CollectorRig(out / "collector", prop, module=module, speed=speed,
                      faults=Faults(corrupt=0.005, duplicate=0.02, uart=0.005),
                      store_every_h=24, batch=60, flash_mb=4, with_tools=_stage,
                      rtc=RTC) as rig:
        st = rig.wait_ready(60)
        _stage("collector firmware up on the sim board (radio %s %s, free heap %d B); its "
               "clock unset after power-up, running 100 ppm fast"
               % (st["radio_info"].get("module"), st["radio_info"].get("firmware"),
                  st["free_heap"]))
        _stage("sim board interpreter: %s, heap %s"
               % (rig.board.interpreter.label, rig.board.heap_cap()))
        t0 = time.monotonic()
        with click.progressbar(length=days, label="  playing %d days" % days) as bar:
            for step in _fault_plan(days):
                _play_to(rig, step.day, bar)
                step.act(rig, prop, out)
            _play_to(rig, days, bar)
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
        fleet = rig.db.fleet(rig.clock.now())["collectors"].get(COLLECTOR, {})
        _stage("ingest's view of the collector: %d records, seq conflicts %d, records refused "
               "%d, meter clocks off by a day %d, clock sets by the server %d"
               % (fleet.get("records", 0), fleet.get("seq_conflicts", 0),
                  sum((fleet.get("refused_records") or {}).values()),
                  fleet.get("meter_clock_disagreements", 0), st["uplink"]["clock_sets"]))
        (out / "collector-status.json").write_text(json.dumps(
            {"status": st, "meters": meters, "uncoded": uncoded, "ingest": fleet}, indent=1))
        readings = out / "readings.csv"
        with open(readings, "w", encoding="utf-8", newline="") as f:
            n = rig.db.export_readings(f)
        _stage("ingest: %d records in %s; readings export: %d rows -> %s"
               % (rig.db.count(), rig.db.path, n, readings))
    return prop, readings


RTC = "unset,drift=0.0001"


class _Step:
    def __init__(self, day, act):
        self.day, self.act = day, act


def _fault_plan(days):
    """The faults, at fixed fractions of the played days (a 10-day demo has them too)."""
    outage = max(1, min(7, days // 5))
    return [_Step(days * 3 // 10, lambda rig, prop, out: _outage(rig, outage)),
            _Step(days * 11 // 20, _technician_visit),
            _Step(days * 4 // 5, _spare_unit)]


def _play_to(rig, day, bar):
    before = int(max(rig.scenario.clock, rig.clock.seconds()) // 86400)
    rig.play_to(day * 86400)
    bar.update(max(0, day - before))


def _outage(rig, days):
    from fordel.device.rig import COLLECTOR
    keys = rig.srv.ingest.registry.get(COLLECTOR).keys
    key, keys["1"] = keys["1"], bytes(16)
    rig.play(days * 86400)
    st = rig.status()
    keys["1"] = key
    click.echo("\n  fault: %d days the server refused every upload: %d failures, %d records "
               "held in the store" % (days, st["uplink"]["failures"], st["store"]["pending"]))


def _technician_visit(rig, prop, out):
    """Power off, a flash fault found, one wrong key fixed, an allocator replaced."""
    rig.power_off()
    rig.damage_store_frame()
    fixed = prop.wrong_key_ids.pop(0)
    prop.rows[fixed]["key"] = prop.meter(fixed).key.hex().upper()
    rig.scenario.miss(rig.clock.seconds())
    old = next(mid for mid, r in prop.rows.items() if r["kind"] == "hca"
               and mid not in prop.wrong_key_ids and mid not in prop.replaced)
    new = rig.scenario.replace_meter(old).meter_id
    (out / "coding.csv").write_text(prop.coding_csv())
    st = rig.power_on_again({"coding.csv": prop.coding_csv()})
    click.echo("\n  fault: power cut; a damaged store frame found (%d), numbering goes on at "
               "%d; technician fixed the key of %s and replaced allocator %s by %s"
               % (st["store"]["damaged_frames"], st["store"]["next_seq"], fixed, old, new))


def _spare_unit(rig, prop, out):
    before = rig.wait_uploaded(120)["store"]
    st = rig.spare_unit(out / "collector" / "spare")
    click.echo("\n  fault: collector swapped for a spare unit with the old config (store %s "
               "numbering from %d again; the old one reached %d)"
               % (st["store"]["store_id"], st["store"]["next_seq"], before["next_seq"] - 1))


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
