"""A simulated day on the collector: the meter simulator feeds a property (allocators and
water meters, AES mode 5, one meter keyed wrong, one not coded, line faults) through the
radio module to the firmware on the sim board, which decodes, codes, stores and uploads.

Checked from outside, as a technician and the office would: every coded meter's readings
reach the ingest database with the right coded values, faults are counted per meter on the
diagnostics console, and the uncoded meter is listed there."""

import pytest

from fordel.device.rig import CollectorRig
from fordel.sim.property import SimProperty
from fordel.sim.scenario import Faults

DAY = 86400
SPEED = 4000            # simulated seconds per wall second


def last_stored_is_right(sc, mid, main, stored_value, window_s=7 * 3600):
    """The reading policy stores a reading every `store_every_h` (the rig's 6 h) and looks at
    the meter every hour: the last stored value is the meter's last good one, or one sent at
    most that long before it."""
    good = [s for s in sc.sent if s.meter_id == mid and sc.good(s)]
    if stored_value == pytest.approx(good[-1].values[main]):
        return True
    same = [s for s in good if s.values[main] == pytest.approx(stored_value)]
    return bool(same) and good[-1].t - same[-1].t <= window_s


def coded_factor(row):
    if row["kind"] == "hca":
        kq, kc = float(row["kq"] or 1), float(row["kc"] or 1)
        red = float(row["reduction"] or 0)
        return kq * kc * (1 - red) if row["scale"] == "unit" else 1 - red
    return float(row["multiplier"] or 1)


@pytest.fixture(scope="module")
def day(tmp_path_factory, hil):
    prop = SimProperty(apartments=3, hca_per_apartment=2, seed=11, wrong_key=1, uncoded=1)
    faults = Faults(corrupt=0.02, duplicate=0.03, uart=0.01, crc=0.02)
    with CollectorRig(tmp_path_factory.mktemp("day"), prop, module=hil["module"],
                      faults=faults, speed=SPEED) as rig:
        rig.wait_ready(30)
        rig.scenario.run(rig.radio, sim_seconds=DAY, speed=SPEED)
        # let the collector drain what the module sent, then upload it
        rig.wait_drained()
        rig.wait_uploaded(60)
        yield rig, prop


@pytest.mark.simulator
def test_a_day_of_readings_arrives_coded(day):
    rig, prop = day
    sc = rig.scenario
    expected = sc.expected()
    records = list(rig.db.records())
    by_meter = {}
    for r in records:
        by_meter.setdefault(r["meter_id"], []).append(r)
    good_meters = [m.meter_id for m in prop.meters
                   if prop.coded(m.meter_id) and m.meter_id not in prop.wrong_key_ids]
    assert good_meters and set(good_meters) <= set(by_meter), (good_meters, list(by_meter))
    assert not set(prop.wrong_key_ids) & set(by_meter)       # nothing from the wrong key
    assert not set(prop.uncoded_ids) & set(by_meter)         # nothing from uncoded meters
    for mid in good_meters:
        recs = sorted(by_meter[mid], key=lambda r: r["seq"])
        last = recs[-1]
        row = prop.coded(mid)
        want = expected[mid]
        main = "current_consumption_hca" if row["kind"] == "hca" else "total_m3"
        assert last_stored_is_right(sc, mid, main, last["values"][main]), (mid, last, want)
        k = coded_factor(row)
        for r in recs:          # every stored reading carries its coded value and factors
            assert r["coded"][main] == pytest.approx(r["values"][main] * k, rel=1e-5, abs=1e-3)
            if r["telegram"]:       # full records keep the raw telegram (L-field first)
                assert r["telegram"][0] == len(r["telegram"]) - 1
        # the first reading of each meter is a full record with its telegram; later ones in
        # the day are compact (reading_policy)
        assert recs[0]["telegram"] and not all(r["telegram"] for r in recs[1:])
        # at least a reading per 6 h (the reading policy), in time order
        times = [r["time"] for r in recs]
        assert times == sorted(times) and len(recs) >= 4
    seqs = [r["seq"] for r in records]
    assert sorted(seqs) == list(range(len(seqs)))            # no gap, no duplicate


@pytest.mark.simulator
def test_faults_counted_per_meter_and_uncoded_listed(day):
    rig, prop = day
    sc = rig.scenario
    link = rig.console
    meters = {m["id"]: m for m in link.query("meters")["items"]}
    caught = injected = 0
    for mid, m in meters.items():
        mine = [s for s in sc.sent if s.meter_id == mid and s.delivered]
        corrupt = sum(1 for s in mine if s.fault == "corrupt")
        uart = sum(1 for s in mine if s.fault == "uart")    # dropped by the radio driver
        heard = len(mine) - uart
        errors = m["decrypt_failures"] + m["decode_errors"]
        if mid in prop.wrong_key_ids:
            assert m["decrypt_failures"] == heard - m["decode_errors"] and heard > 0
            assert m["stored"] == 0 and m["ok"] == 0
        else:
            # a telegram the reading policy could not store is not decoded (not_decoded), so
            # only the corrupt telegrams that were due show as errors; every telegram heard
            # is counted once
            assert errors <= corrupt, (mid, m, corrupt)
            assert m["ok"] + errors + m["not_decoded"] == heard, (mid, m, heard)
            assert m["ok"] >= 1
            caught += errors
            injected += corrupt
    assert injected > 0 and caught > 0, (injected, caught)
    uncoded = {u["id"] for u in link.query("uncoded")["items"]}
    assert uncoded == set(prop.uncoded_ids)
    st = rig.status()
    uart = sum(1 for s in sc.sent if s.fault == "uart" and s.delivered)
    assert st["radio"]["uart_errors"] + st["radio"]["crc_errors"] >= uart > 0
    assert st["store"]["pending"] == 0 and st["uplink"]["sent"] == st["store"]["appended"]


@pytest.mark.simulator
def test_amber_module_quarter_day(tmp_path, hil):
    """The same firmware with an Amber AMB8465 module (the other supported radio): six
    simulated hours reach ingest with their coded values."""
    prop = SimProperty(apartments=2, hca_per_apartment=2, seed=3)
    with CollectorRig(tmp_path, prop, module="amb8465", speed=SPEED) as rig:
        st = rig.wait_ready(30)
        assert st["radio_module"] == "amb8465"
        rig.scenario.run(rig.radio, sim_seconds=6 * 3600, speed=SPEED)
        rig.wait_drained()
        rig.wait_uploaded(60)
        expected = rig.scenario.expected()
        stored = {}
        for r in rig.db.records():
            stored[r["meter_id"]] = r          # records come in time order per meter
        assert set(expected) == set(stored)
        for mid, want in expected.items():
            main = "current_consumption_hca" if "current_consumption_hca" in want else "total_m3"
            assert last_stored_is_right(rig.scenario, mid, main, stored[mid]["values"][main])
