"""`fordel diag` as people read it, against the firmware on `fordel sim board`: aligned
tables, local times, apartment and room, raw and coded reading, device types in hex, tail
lines with time, RSSI, telegram hex and result; --json as the console sends it; stray bytes
on the line do not spoil the next command."""
import datetime
import json
import os
import subprocess
import sys
import threading

import pytest

from fordel.device import diag_view
from fordel.device.rig import CollectorRig
from fordel.sim.property import SimProperty

FORDEL = os.path.join(os.path.dirname(sys.executable), "fordel")


def diag(port, *args, tz="Europe/Copenhagen"):
    p = subprocess.run([FORDEL, "diag", "--port", port, *args], capture_output=True,
                       text=True, timeout=60, env=dict(os.environ, TZ=tz, COLUMNS="200"))
    assert p.returncode == 0, p.stdout + p.stderr
    return p.stdout


@pytest.fixture(scope="module")
def rig(tmp_path_factory):
    prop = SimProperty(apartments=2, hca_per_apartment=2, seed=3, wrong_key=1, uncoded=1)
    with CollectorRig(tmp_path_factory.mktemp("diag"), prop, speed=2000) as rig:
        rig.wait_ready(30)
        rig.scenario.run(rig.radio, sim_seconds=3 * 3600, speed=2000)
        rig.wait_drained()
        yield rig, prop


def columns_of(lines):
    """Start of each column: where a header word begins (two spaces before it)."""
    head = lines[0]
    return [i for i in range(len(head)) if head[i] != " " and (i == 0 or head[i - 1] == " ")]


def test_meters_table(rig):
    rig, prop = rig
    out = diag(rig.board.port, "meters")
    lines = [ln for ln in out.splitlines() if ln.strip() and not set(ln.strip()) <= {"─"}]
    assert "apartment" in lines[0] and "room" in lines[0]
    assert "raw reading" in lines[0] and "coded reading" in lines[0]
    rows = prop.rows
    meters = {m["id"]: m for m in rig.console.query("meters")["items"]}
    for ln in lines[1:]:
        mid = ln.split()[0]
        assert rows[mid]["apartment"] in ln and rows[mid]["room"] in ln
        t = meters[mid]["last_seen"]
        # the board's clock is UTC seconds; the table shows Copenhagen time (UTC+1 in winter)
        want = (datetime.datetime.fromtimestamp(t, datetime.UTC) +
                datetime.timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S")
        assert want in ln
    # every row ends where the header ends: right-aligned numbers line up
    ends = {len(ln.rstrip()) for ln in lines}
    assert len(ends) == 1, ends
    # the raw reading times the coding factor is the coded one
    for mid, m in meters.items():
        if m["last_raw"] is not None:
            assert m["last_reading"] == pytest.approx(m["last_raw"] * (
                float(rows[mid]["kq"] or 1) * float(rows[mid]["kc"] or 1) *
                (1 - float(rows[mid]["reduction"] or 0)) if rows[mid]["kind"] == "hca"
                and rows[mid]["scale"] == "unit" else
                (1 - float(rows[mid]["reduction"] or 0)) if rows[mid]["kind"] == "hca"
                else float(rows[mid]["multiplier"] or 1)), rel=1e-4)


def test_uncoded_device_type_in_hex(rig):
    rig, prop = rig
    out = diag(rig.board.port, "uncoded")
    (mid,) = prop.uncoded_ids
    line = next(ln for ln in out.splitlines() if mid in ln)
    dt = rig.console.query("uncoded")["items"][0]["device_type"]
    assert f"0x{dt:02X}" in line


def test_status_and_json_unchanged(rig):
    rig, _ = rig
    out = diag(rig.board.port, "status")
    assert "{" not in out and "None" not in out
    assert any(ln.split()[:2] == ["collector_id", "hil-1"] for ln in out.splitlines())
    js = json.loads(diag(rig.board.port, "--json", "status"))
    direct = rig.console.query("status")
    direct.pop("type")
    assert set(js) == set(direct) and js["collector_id"] == "hil-1"


def test_tail_lines(rig):
    rig, _ = rig
    feed = threading.Thread(target=rig.scenario.run, args=(rig.radio, 1800),
                            kwargs={"speed": 600}, daemon=True)
    feed.start()
    out = diag(rig.board.port, "--seconds", "3", "tail")
    feed.join()
    lines = [ln for ln in out.splitlines() if ln.strip()]
    assert lines
    for ln in lines:
        date, clock, mid, rssi, dbm = ln.split()[:5]
        datetime.datetime.strptime(date + " " + clock, "%Y-%m-%d %H:%M:%S")
        assert len(mid) == 8 and int(rssi) < 0 and dbm == "dBm"
        hexpart = ln.split()[-1]
        assert int(hexpart, 16) and int(hexpart[:2], 16) == len(hexpart) // 2 - 1


def test_stray_bytes_do_not_spoil_the_next_command(rig):
    rig, _ = rig
    with open(rig.board.port, "wb", buffering=0) as port:
        port.write(b"stat\x1b[A garbage")
    js = json.loads(diag(rig.board.port, "--json", "status"))
    assert js["collector_id"] == "hil-1"


def test_cell_formats():
    assert diag_view.cell(None) == "-" and diag_view.cell(1.5000) == "1.5"
    assert diag_view.device_type(0x08) == "0x08 heat cost allocation"
    assert diag_view.duration(90061) == "1 d 1 h 1 min"
