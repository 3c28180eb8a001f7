"""Which readings the collector stores (aflæsningspolitik), and in which form.

Meters repeat the same telegram every 2-4 minutes. The store must hold at least 30 days of
readings without network at 500 meters in the ESP32's 1 MiB records partition
(firmware/tests/test_reading_policy_capacity.py measures it), so a reading is stored

  FULL     (every decoded field, coded values, factors and the raw telegram, ~200-400 B):
             * the meter's first telegram since the collector started,
             * when its status changes to or between alarms (leak, tamper, low battery ...);
  COMPACT  (meterrecord.make_compact: the main value, its field, the factors, ~51 B with
           the store's frame):
             * once a calendar day (UTC) per meter, the first telegram of the day, and
             * when `min_interval_s` passed since the last stored reading (if set below a day);
  SET_DATE (compact, plus the meter's set-date reading and date and the raw telegram, ~120 B):
             * when the meter's set-date reading changes (it passed its set date: the reading
               the settlement uses, so the raw telegram is kept for the audit).

Everything else is counted (`skipped`) and dropped: the next reading of a cumulative meter
carries the consumption anyway. A telegram that could not be stored whatever it says (`due()`
is false) is not even decoded: a meter is decoded about once a `check_interval_s` (default
1 h) to look for a new set date or an alarm, so the AES and the records of all but about one
telegram in twenty are spared.

Per meter one float, one timestamp, two 16-bit hashes and one 16-bit check time in flat
arrays (500 meters: 6 kB), no allocation per telegram.
"""
import array

from meterrecord import main_field  # noqa: F401

_billing = None          # wmbus.billing, imported when first needed (not per telegram)

SKIP = 0
COMPACT = 1
FULL = 2
SET_DATE = 3

DAY = 86400
_NEVER = 0xFFFF


def _contract():
    global _billing
    if _billing is None:
        from wmbus import billing
        _billing = billing
    return _billing


def main_value(values):
    """The meter's current reading, as its driver's billing contract names it."""
    return _contract().current(values)


def _hash16(v):
    if v is None:
        return 0
    if isinstance(v, float):
        v = int(v * 1000)
    return (hash(v) & 0xFFFF) or 1


def set_date_mark(values):
    """A 16-bit mark of the meter's set date, else its set-date reading (0: none), as its
    driver's billing contract names them."""
    b = _contract()
    v = b.set_date(values)
    if v is None:
        v = b.set_date_value(values)
    return _hash16(v)


def alarm_mark(values):
    """A 16-bit mark of the meter's status (0: OK or no status field)."""
    s = values.get("status")
    if s is None or s == "OK" or s == "":
        return 0
    return _hash16(s)


class ReadingPolicy:
    def __init__(self, capacity, min_interval_s=DAY, check_interval_s=3600):
        self.min_interval_s = min_interval_s
        self.check_interval_s = check_interval_s
        self.last_value = array.array("f", bytes(4 * capacity))   # last decoded main value
        self.last_time = array.array("i", bytes(4 * capacity))    # last stored reading
        self.set_mark = array.array("H", bytes(2 * capacity))     # set_date_mark stored
        self.alarm = array.array("H", bytes(2 * capacity))        # alarm_mark stored
        # minutes after the last stored reading when the next check is due;
        # _NEVER: nothing stored yet
        self.check_min = array.array("H", b"\xff\xff" * capacity)
        self.not_due = 0        # telegrams not decoded (due() was false)
        self.unchanged = 0      # decoded, nothing to store
        self.full = 0           # FULL records decided
        self.compact = 0        # COMPACT records decided
        self.set_date = 0       # SET_DATE records decided

    @property
    def skipped(self):
        return self.not_due + self.unchanged

    def due(self, slot, now):
        """Could a telegram of this meter be stored now? If not, the collector does not
        decode it at all. A meter never stored (new, wrong key, broken) is always due, so
        its faults are counted on every telegram."""
        cm = self.check_min[slot]
        if cm == _NEVER:
            return True
        last = self.last_time[slot]
        age = now - last
        if age >= self.min_interval_s or now // DAY != last // DAY or age >= 60 * cm:
            return True
        self.not_due += 1
        return False

    def decide(self, slot, values, now):
        """SKIP, COMPACT or FULL for a decoded telegram."""
        if self.check_min[slot] == _NEVER:
            self.full += 1
            return FULL
        if set_date_mark(values) != self.set_mark[slot]:
            self.set_date += 1
            return SET_DATE
        a = alarm_mark(values)
        if a and a != self.alarm[slot]:
            self.full += 1
            return FULL
        if a != self.alarm[slot]:       # alarm cleared: stored compact, mark updated
            self.compact += 1
            return COMPACT
        last = self.last_time[slot]
        age = now - last
        if age >= self.min_interval_s or now // DAY != last // DAY:
            self.compact += 1
            return COMPACT
        # nothing new: look again one check interval from now
        self.check_min[slot] = min(_NEVER - 1, (age + self.check_interval_s) // 60)
        self.last_value[slot] = _number(main_value(values))
        self.unchanged += 1
        return SKIP

    def should_store(self, slot, values, now):
        return self.decide(slot, values, now) != SKIP

    def last(self, slot):
        """The meter's last decoded main value (stored, or checked), or None."""
        return None if self.check_min[slot] == _NEVER else self.last_value[slot]

    def stored(self, slot, values, now):
        self.last_value[slot] = _number(main_value(values))
        self.last_time[slot] = int(now)
        self.set_mark[slot] = set_date_mark(values)
        self.alarm[slot] = alarm_mark(values)
        self.check_min[slot] = min(_NEVER - 1, self.check_interval_s // 60)


def _number(v):
    return v if isinstance(v, (int, float)) else 0.0
