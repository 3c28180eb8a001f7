"""Which readings the collector stores (aflæsningspolitik).

Meters repeat the same telegram many times (every 2-4 minutes, mostly unchanged). A reading
is stored when
  * it is the meter's first telegram since the collector started, or
  * at least `min_interval_s` (default 6 h) passed since the meter's last stored reading, or
  * its main value (HCA units, m³, kWh) changed and at least `change_interval_s` (default
    15 min) passed since the last stored reading (so a running water meter is not stored
    every two minutes).
Everything else is counted (`skipped`) and dropped: the next stored reading of a cumulative
meter carries the consumption anyway.

Per meter one float and one timestamp in flat arrays (500 meters: 4 kB), no allocation per
telegram.
"""
import array

MAIN_FIELDS = ("current_consumption_hca", "total_m3", "total_energy_consumption_kwh")


def main_value(values):
    for name in MAIN_FIELDS:
        v = values.get(name)
        if v is not None:
            return v
    return None


class ReadingPolicy:
    def __init__(self, capacity, min_interval_s=6 * 3600, on_change=True,
                 change_interval_s=900):
        self.min_interval_s = min_interval_s
        self.change_interval_s = change_interval_s
        self.on_change = on_change
        self.last_value = array.array("f", bytes(4 * capacity))
        self.last_time = array.array("i", bytes(4 * capacity))
        self.seen = bytearray(capacity)
        self.skipped = 0

    def should_store(self, slot, values, now):
        if not self.seen[slot]:
            return True
        age = now - self.last_time[slot]
        if age >= self.min_interval_s:
            return True
        if self.on_change and age >= self.change_interval_s:
            v = main_value(values)
            if v is not None and _differs(v, self.last_value[slot]):
                return True
        self.skipped += 1
        return False

    def stored(self, slot, values, now):
        v = main_value(values)
        self.last_value[slot] = v if isinstance(v, (int, float)) else 0.0
        self.last_time[slot] = int(now)
        self.seen[slot] = 1


def _differs(v, last):
    # the array holds float32: compare at float32 resolution
    return abs(v - last) > 1e-6 * max(1.0, abs(v))
