"""Simulated meters: heat cost allocators (hedeudgiftsfordelere) and hot/cold water meters
(varmt-/koldtvandsmålere) that send real OMS telegrams with readings that rise over a
simulated clock.

    from fordel.sim.meters import SimHeatCostAllocator, SimWaterMeter
    hca = SimHeatCostAllocator("12345678", key=key16, mode=5, start=datetime(2024, 1, 15))
    frame, values = hca.telegram(600.0)      # the telegram sent 600 simulated s after start
    values -> {"current_consumption_hca": 412, "set_date": "2023-12-31", ...}

`values` use the names the codec's generic OMS drivers (oms-hca, oms-water) decode to, so a
test can compare what a collector stored with what the meter sent.

Readings are integrals over simulated time of a rate:
  HCA    units/day = factor x heating demand, demand = max(0, 17 C - daily mean outdoor
         temperature) (a Danish-like year, coldest late January), with a day/night swing.
         At the set date (skæringsdato, default 31 Dec) the count is frozen as
         "consumption at set date" and restarts from 0.
  water  litres/day per apartment with a morning/evening profile, weekend and day-to-day
         variation; the value at the last month end is the "target" (due-date) reading.
"""
import datetime
import math
import random

from fordel.sim import telegram as tg

HCA, WARM_WATER, COLD_WATER = 0x08, 0x06, 0x16
KINDS = {"hca": HCA, "hot_water": WARM_WATER, "cold_water": COLD_WATER}

# relative water use per hour of day (mean 1.0): night low, morning and evening peaks
_WATER_PROFILE = (0.15, 0.1, 0.1, 0.1, 0.15, 0.4, 1.6, 2.6, 2.0, 1.2, 0.9, 0.9,
                  1.1, 0.9, 0.8, 0.8, 1.0, 1.5, 2.0, 2.1, 1.7, 1.3, 0.8, 0.4)
_PROFILE_MEAN = sum(_WATER_PROFILE) / 24.0


def outdoor_temp(t):
    """Daily mean outdoor temperature (C) of a Danish-like year at datetime t."""
    doy = t.timetuple().tm_yday + t.hour / 24.0
    return 8.7 - 8.2 * math.cos(2 * math.pi * (doy - 25) / 365.25)


def heating_demand(t):
    """Degrees below 17 C (graddage per day), with a +-25 % day/night swing."""
    base = max(0.0, 17.0 - outdoor_temp(t))
    return base * (1.0 + 0.25 * math.cos(2 * math.pi * (t.hour + t.minute / 60.0 - 5) / 24))


def _integrate(rate, t0, t1, step=900.0):
    """Integral of rate(datetime) per day over [t0, t1] (datetimes), midpoint rule."""
    total = 0.0
    span = (t1 - t0).total_seconds()
    if span <= 0:
        return 0.0
    n = max(1, int(math.ceil(span / step)))
    h = span / n
    for i in range(n):
        mid = t0 + datetime.timedelta(seconds=(i + 0.5) * h)
        total += rate(mid) * h / 86400.0
    return total


class SimMeter:
    """Common part: identity, security, send schedule, telegram building.

    meter_id   8 decimal digits (printed id; BCD in the A-field)
    key        16-byte AES key the meter encrypts with (mode 5/7); None for mode 0
    mode       TPL security mode 0, 5 or 7
    interval   (min, max) seconds between telegrams; each gap gets +-5 % jitter
    link_mode  "T1" or "C1" (what a radio module must listen to)
    rssi_dbm   mean signal level at the collector; each telegram varies +-3 dB
    start      datetime of simulated second 0
    """

    KIND = ""
    DEVICE_TYPE = 0
    DRIVER = ""

    def __init__(self, meter_id, key=None, mode=5, manufacturer="FDL", version=0x01,
                 interval=(120, 240), link_mode="T1", rssi_dbm=-75.0, start=None, seed=0):
        self.meter_id = "%08d" % meter_id if isinstance(meter_id, int) else str(meter_id)
        tg.id_bytes(self.meter_id)                  # 8 decimal digits, else ValueError
        if mode not in (0, 5, 7):
            raise ValueError("meter %s: security mode %r not simulated (0, 5, 7)"
                             % (self.meter_id, mode))
        if mode and (key is None or len(key) != 16):
            raise ValueError("meter %s: mode %d needs a 16-byte key" % (self.meter_id, mode))
        self.key = bytes(key) if key is not None else None
        self.mode = mode
        self.manufacturer = manufacturer
        self.version = version
        self.link_mode = link_mode
        self.rssi_dbm = rssi_dbm
        self.start = start or datetime.datetime(2024, 1, 15, 0, 0)
        self.rng = random.Random("%s/%s" % (seed, self.meter_id))
        self.period = self.rng.uniform(*interval)
        self.access = self.rng.randrange(256)
        self.counter = self.rng.randrange(1, 1 << 16)      # AFL message counter (mode 7)
        self.status = 0x00
        self.next_send = self.rng.uniform(0, self.period)  # first telegram within a period
        self.removed_at = None      # simulated s when the meter was taken down (replaced)
        self.sent = 0
        self._t = self.start                               # readings are valid up to here
        tg.address(manufacturer, self.meter_id, version, self.DEVICE_TYPE)   # validate

    # ---- schedule ---------------------------------------------------------------------
    def schedule(self):
        """Move next_send one period (with jitter) on; returns the new time."""
        self.next_send += self.period * self.rng.uniform(0.95, 1.05)
        return self.next_send

    # ---- telegrams --------------------------------------------------------------------
    def now(self, seconds):
        return self.start + datetime.timedelta(seconds=seconds)

    def telegram(self, seconds):
        """(frame, values) of the telegram sent at simulated `seconds` (readings advanced
        to then). Access number and AFL counter step once per telegram."""
        t = self.now(seconds)
        self.advance(t)
        values = self.values(t)
        frame = tg.build(self.manufacturer, self.meter_id, self.version, self.DEVICE_TYPE,
                         self.records(t), key=self.key, mode=self.mode, access=self.access,
                         status=self.status, counter=self.counter)
        self.access = (self.access + 1) & 0xFF
        self.counter = (self.counter + 1) & 0xFFFFFFFF
        self.sent += 1
        return frame, values

    def signal(self):
        """Signal level of one telegram, whole dBm (as the modules report it)."""
        return int(round(self.rssi_dbm + self.rng.uniform(-3, 3)))

    def advance(self, t):
        raise NotImplementedError

    def values(self, t):
        raise NotImplementedError

    def records(self, t):
        raise NotImplementedError


def _set_date_before(t, month, day):
    """The last set date (end of that day) at or before datetime t."""
    for year in (t.year, t.year - 1):
        d = datetime.date(year, month, day)
        end = datetime.datetime.combine(d + datetime.timedelta(days=1), datetime.time())
        if end <= t:
            return d
    raise AssertionError("unreachable")


class SimHeatCostAllocator(SimMeter):
    """Electronic heat cost allocator (elektronisk varmefordelingsmåler), device type 0x08.

    factor      units per degree-day (radiator size and use); 0.1..0.6 gives a few hundred
                to ~1700 units a year
    set_day     (month, day) of the annual set date (skæringsdato)
    Records: 02 6E current units | 42 6C set date (G) | 42 6E units at set date |
             04 6D device date-time (F)."""

    KIND = "hca"
    DEVICE_TYPE = HCA
    DRIVER = "oms-hca"

    def __init__(self, meter_id, factor=0.3, set_day=(12, 31), **kw):
        super().__init__(meter_id, **kw)
        self.factor = factor
        self.set_day = set_day
        self.set_date = _set_date_before(self.start, *set_day)
        # last season's count, and what has accrued since the set date up to the start
        prev_start = datetime.datetime.combine(self.set_date.replace(year=self.set_date.year - 1)
                                               + datetime.timedelta(days=1), datetime.time())
        set_end = datetime.datetime.combine(self.set_date + datetime.timedelta(days=1),
                                            datetime.time())
        self.at_set_date = int(_integrate(self._rate, prev_start, set_end, 3600.0))
        self.acc = _integrate(self._rate, set_end, self.start, 3600.0)

    def _rate(self, t):
        return self.factor * heating_demand(t)

    def install(self, seconds):
        """Hung on the radiator at simulated `seconds`: counting from 0 then, its set-date
        reading 0 until its first set date (a new allocator); first telegram within a
        period."""
        self._t = self.now(seconds)
        self.acc, self.at_set_date = 0.0, 0
        self.next_send = seconds + self.rng.uniform(0, self.period)

    def advance(self, t):
        while True:
            nxt = datetime.date(self.set_date.year + 1, *self.set_day)
            boundary = datetime.datetime.combine(nxt + datetime.timedelta(days=1),
                                                 datetime.time())
            if t < boundary:
                break
            self.acc += _integrate(self._rate, self._t, boundary)
            self.at_set_date = int(self.acc)
            self.acc = 0.0
            self.set_date = nxt
            self._t = boundary
        self.acc += _integrate(self._rate, self._t, t)
        self._t = max(self._t, t)

    def values(self, t):
        return {"current_consumption_hca": int(self.acc),
                "set_date": self.set_date.isoformat(),
                "consumption_at_set_date_hca": self.at_set_date,
                "device_datetime": t.strftime("%Y-%m-%d %H:%M")}

    def true_count(self):
        """The exact count since the set date (the register shows it rounded down)."""
        return self.acc

    def records(self, t):
        return (tg.int_record(0x02, 0x6E, int(self.acc)) +
                tg.record(0x42, 0x6C, tg.date_g(self.set_date)) +
                tg.int_record(0x42, 0x6E, self.at_set_date) +
                tg.record(0x04, 0x6D, tg.datetime_f(t)))


class SimWaterMeter(SimMeter):
    """Hot (0x06) or cold (0x16) water meter.

    hot         True: warm water (varmt vand), device type 0x06; else cold, 0x16
    litres_day  mean use per day (apartment); each day varies 0.6..1.4, weekends +20 %
    initial_m3  reading at the start
    Records: 04 13 volume (litres) | 42 6C due date (G, last month end) |
             44 13 volume at due date | 04 6D meter date-time (F)."""

    DRIVER = "oms-water"

    def __init__(self, meter_id, hot=False, litres_day=None, initial_m3=None, **kw):
        self.hot = hot
        self.KIND = "hot_water" if hot else "cold_water"
        self.DEVICE_TYPE = WARM_WATER if hot else COLD_WATER
        super().__init__(meter_id, **kw)
        self.litres_day = litres_day if litres_day is not None else \
            self.rng.uniform(40, 110) if hot else self.rng.uniform(100, 260)
        self.litres = (initial_m3 if initial_m3 is not None
                       else self.rng.uniform(5, 400)) * 1000.0
        self._day_seed = self.rng.randrange(1 << 30)
        self.due_date, self.at_due = self._month_end_before(self.start), None
        # the due-date reading: back-compute from the start with the mean daily use
        days = (self.start - self._end_of(self.due_date)).total_seconds() / 86400.0
        self.at_due = max(0, int(self.litres - days * self.litres_day))

    @staticmethod
    def _month_end_before(t):
        return t.date().replace(day=1) - datetime.timedelta(days=1)

    @staticmethod
    def _end_of(d):
        return datetime.datetime.combine(d + datetime.timedelta(days=1), datetime.time())

    def _rate(self, t):
        day = t.toordinal()
        r = random.Random(self._day_seed ^ day).uniform(0.6, 1.4)
        if t.weekday() >= 5:
            r *= 1.2
        return self.litres_day * r * _WATER_PROFILE[t.hour] / _PROFILE_MEAN

    def advance(self, t):
        while True:
            nxt = self._month_end_before(self._end_of(self.due_date) +
                                         datetime.timedelta(days=32))
            boundary = self._end_of(nxt)
            if t < boundary:
                break
            self.litres += _integrate(self._rate, self._t, boundary)
            self.at_due = int(self.litres)
            self.due_date = nxt
            self._t = boundary
        self.litres += _integrate(self._rate, self._t, t)
        self._t = max(self._t, t)

    def values(self, t):
        return {"total_m3": int(self.litres) / 1000.0,
                "target_date": self.due_date.isoformat(),
                "target_m3": self.at_due / 1000.0,
                "meter_datetime": t.strftime("%Y-%m-%d %H:%M")}

    def true_count(self):
        """The exact volume, m³ (the register shows whole litres)."""
        return self.litres / 1000.0

    def records(self, t):
        return (tg.int_record(0x04, 0x13, int(self.litres)) +
                tg.record(0x42, 0x6C, tg.date_g(self.due_date)) +
                tg.int_record(0x44, 0x13, self.at_due) +
                tg.record(0x04, 0x6D, tg.datetime_f(t)))
