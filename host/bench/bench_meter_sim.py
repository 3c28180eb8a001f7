"""Meter simulator: how many OMS telegrams a second it builds (AES mode 5 and 7, readings
integrated over simulated time), i.e. how far a HIL run can fast-forward a property before
the simulator itself is the limit. Prints JSON lines for host/bench/run.py."""
import json
import time

from fordel.sim.property import SimProperty
from fordel.sim.scenario import Scenario


def rate(mode, apartments=20, hours=6):
    prop = SimProperty(apartments=apartments, seed=1, mode=mode)
    sc = Scenario(prop)
    t0 = time.perf_counter()
    sent = sc.run(None, hours * 3600.0)
    dt = time.perf_counter() - t0
    return len(prop.meters), len(sent), len(sent) / dt, hours * 3600.0 / dt


def main():
    for mode in (5, 7):
        meters, n, per_s, speed = rate(mode)
        print(json.dumps({"bench": "meter_sim", "metric": "telegrams/s built, mode %d" % mode,
                          "value": round(per_s), "unit": "/s", "target": ">= 2000"}))
        print(json.dumps({"bench": "meter_sim",
                          "metric": "max speed-up, %d meters, mode %d" % (meters, mode),
                          "value": round(speed), "unit": "x", "target": ">= 600"}))


if __name__ == "__main__":
    main()
