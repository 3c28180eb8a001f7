"""Which readings the collector stores (aflæsningspolitik).

Meters repeat the same telegram many times (every 2-4 minutes, mostly unchanged). A reading
is stored when
  * it is the meter's first telegram since the collector started, or
  * at least `min_interval_s` (default 6 h) passed since the meter's last stored reading, or
  * its main value (HCA units, m³, kWh) changed and at least `change_interval_s` (default
    15 min) passed since the last stored reading (so a running water meter is not stored
    every two minutes).
Everything else is counted (`skipped`) and dropped: the next stored reading of a cumulative
meter carries the consumption anyway. A telegram that could not be stored whatever it says
(`due()` is false: the meter was stored, or found unchanged, less than `change_interval_s`
ago) is not even decoded: with meters sending every 2-4 minutes that spares the AES and the
records of all but about one telegram in five to eight. A change is therefore stored at most
one change interval after it happened (the stored reading is the meter's current one).

Per meter one float, one timestamp and one 16-bit check time in flat arrays (500 meters:
5 kB), no allocation per telegram.
"""
import array


_billing = None          # wmbus.billing, imported when first needed (not per telegram)


def main_value(values):
    """The meter's current reading, as its driver's billing contract names it."""
    global _billing
    if _billing is None:
        from wmbus import billing
        _billing = billing
    return _billing.current(values)


_NEVER = 0xFFFF


class ReadingPolicy:
    def __init__(self, capacity, min_interval_s=6 * 3600, on_change=True,
                 change_interval_s=900):
        self.min_interval_s = min_interval_s
        self.change_interval_s = change_interval_s
        self.on_change = on_change
        self.last_value = array.array("f", bytes(4 * capacity))   # last stored main value
        self.last_time = array.array("i", bytes(4 * capacity))    # when it was stored
        # minutes after the last stored reading when the next change check is due;
        # _NEVER: nothing stored yet
        self.check_min = array.array("H", b"\xff\xff" * capacity)
        self.not_due = 0        # telegrams not decoded (due() was false)
        self.unchanged = 0      # decoded, but neither changed nor 6 h old

    @property
    def skipped(self):
        return self.not_due + self.unchanged

    def due(self, slot, now):
        """Could a telegram of this meter be stored now? If not, the collector does not
        decode it at all (no AES, no records: a meter sending every few minutes is decoded
        about once in `change_interval_s`). A meter never stored (new, wrong key, broken)
        is always due, so its faults are counted on every telegram."""
        cm = self.check_min[slot]
        if cm == _NEVER:
            return True
        age = now - self.last_time[slot]
        if age >= self.min_interval_s or \
                (self.on_change and age >= self.change_interval_s and age >= 60 * cm):
            return True
        self.not_due += 1
        return False

    def should_store(self, slot, values, now):
        if self.check_min[slot] == _NEVER:
            return True
        age = now - self.last_time[slot]
        if age >= self.min_interval_s:
            return True
        if self.on_change and age >= self.change_interval_s:
            v = main_value(values)
            if v is not None and _differs(v, self.last_value[slot]):
                return True
            # unchanged: look again one change interval from now
            self.check_min[slot] = min(_NEVER - 1, (age + self.change_interval_s) // 60)
        self.unchanged += 1
        return False

    def last(self, slot):
        """The meter's last decoded main value (stored, or checked unchanged), or None."""
        return None if self.check_min[slot] == _NEVER else self.last_value[slot]

    def stored(self, slot, values, now):
        v = main_value(values)
        self.last_value[slot] = v if isinstance(v, (int, float)) else 0.0
        self.last_time[slot] = int(now)
        self.check_min[slot] = 0


def _differs(v, last):
    # the array holds float32: compare at float32 resolution
    return abs(v - last) > 1e-6 * max(1.0, abs(v))
