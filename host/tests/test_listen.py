"""`fordel listen` on a simulated iM871A / AMB8465 behind a pty (host/fordel/sim), driven
by the firmware's own radio driver: decoded readings per meter, the uncoded meter and the
wrong key highlighted as such, and the log in wmbusmeters' simulation format holding
exactly the telegrams the module delivered."""
import os
import subprocess
import sys
import threading

import pytest

from fordel.device.rig import radio_simulator
from fordel.sim.property import SimProperty
from fordel.sim.scenario import Scenario

FORDEL = os.path.join(os.path.dirname(sys.executable), "fordel")


@pytest.mark.parametrize("module", ["im871a", "amb8465"])
def test_listen(tmp_path, module):
    prop = SimProperty(apartments=2, hca_per_apartment=1, seed=8, wrong_key=1, uncoded=1)
    (tmp_path / "coding.csv").write_text(prop.coding_csv())
    sim = radio_simulator(module)
    port = sim.start()
    sc = Scenario(prop)
    proc = subprocess.Popen([FORDEL, "listen", "--port", port, "--module", module, "--keys",
                             str(tmp_path / "coding.csv"), "--log", str(tmp_path / "log.txt"),
                             "--seconds", "20"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, COLUMNS="200"))
    # the meters go on air once the reader says it listens ("<module> on <port>: ...")
    ready = proc.stderr.readline()
    assert " on %s" % port in ready, ready
    feed = threading.Thread(target=lambda: sc.run(sim, 1800, speed=600), daemon=True)
    feed.start()
    out, err = proc.communicate(timeout=120)
    err = ready + err
    feed.join()
    sim.close()
    assert proc.returncode == 0, out + err
    rows = {ln.split()[0]: ln for ln in out.splitlines() if ln.strip()[:8].isalnum()
            and len(ln.split()[0]) == 8}
    delivered = [s for s in sc.sent if s.delivered]
    heard = {s.meter_id for s in delivered}
    assert heard <= set(rows), (heard, out)
    for mid in heard:
        if mid in prop.uncoded_ids:
            assert "not coded" in rows[mid]
        elif mid in prop.wrong_key_ids:
            assert "wrong key" in rows[mid]
        else:
            assert " ok " in rows[mid] and ("current_consumption_hca" in rows[mid]
                                             or "total_m3" in rows[mid]), rows[mid]
    log = (tmp_path / "log.txt").read_text().splitlines()
    assert log == ["telegram=|%s|" % s.frame.hex().upper() for s in delivered]


def test_results_without_and_with_keys():
    from fordel.device.listen import classify
    from wmbus import WMBusError
    e = WMBusError("encrypted (security mode 5) and no key", "12345678")
    assert classify(e, has_key=False, coded=True) == "no key"
    assert classify(WMBusError("decryption failed (no 2F2F)"), True, True) == "wrong key"
    assert classify(e, has_key=False, coded=False) == "not coded"
