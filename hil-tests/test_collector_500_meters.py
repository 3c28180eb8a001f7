"""A property of 500 coded meters on the collector for an hour of their radio traffic (the
size the firmware's memory budget is set for), with the heap the sim board is known to need
for it on this 64-bit port (docs/firmware.md, Memory): every meter's first reading reaches
ingest, the console lists all 500, and no telegram was lost for want of heap. About a
minute."""

import pytest

from fordel.device.rig import CollectorRig
from fordel.sim.property import SimProperty

HOUR = 3600
SPEED = 60
HEAP = "160K"


def test_500_meters_an_hour(tmp_path, hil):
    if hil["port"]:
        pytest.skip("needs the radio-module simulator (no --port)")
    prop = SimProperty(apartments=100, hca_per_apartment=3, seed=9)          # 500 meters
    assert len(prop.meters) == 500
    with CollectorRig(tmp_path, prop, module=hil["module"], speed=SPEED, heap=HEAP,
                      upload_every_s=5, batch=20) as rig:
        rig.wait_ready(60)
        rig.scenario.run(rig.radio, sim_seconds=HOUR, speed=SPEED)
        rig.wait_drained(1)
        st = rig.wait_uploaded(120)
        assert st["frames"] == len(rig.scenario.sent)
        assert st["memory_errors"] == 0 and st["store_errors"] == 0
        heard = {s.meter_id for s in rig.scenario.sent}
        stored = {r["meter_id"] for r in rig.db.records()}
        assert stored == heard and len(heard) > 490
        meters = rig.console.query("meters")["items"]
        assert len(meters) == 500 and sum(m["stored"] for m in meters) == st["store"]["appended"]
