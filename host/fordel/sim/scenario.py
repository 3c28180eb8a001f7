"""Drive a radio-module simulator with a simulated property's telegrams, in time order, with
faults on demand, and record what was sent so a HIL test can compare it with what the
collector stored.

    from fordel.sim.property import SimProperty
    from fordel.sim.scenario import Scenario, Faults
    sc = Scenario(SimProperty(apartments=4, seed=1),
                  Faults(corrupt=0.02, crc=0.02, duplicate=0.05, uart=0.01, resets=(3600,)))
    sc.run(radio_sim, sim_seconds=6 * 3600, speed=600)   # 600 simulated s per wall second
    sc.sent                  # [Sent, ...] everything that went on air, in order
    sc.expected()            # {meter id: values the collector should hold last}
    sc.report()              # per meter: telegrams, delivered, faults, last values

Faults (probabilities per telegram, drawn from the scenario's seeded RNG):
  corrupt    a byte of the delivered frame is flipped (inside the first encrypted block, or
             a data record for mode 0): the module passed it on, the collector must reject it
  crc        a bit error on air: the raw frame (format A) fails its DLL CRC, so the module
             drops it; not delivered (Sent.raw has the bad CRC for codec tests)
  duplicate  the same frame is heard twice (a repeater, 0.2-1.5 s later)
  uart       the module-to-host frame is damaged (radio_sim.corrupt_next()): its iM871A
             CRC16 / AMB8465 XOR checksum fails
  resets     simulated seconds at which the module power-cycles (radio_sim.reset_module())
Meter faults (wrong key, uncoded) come from the SimProperty.
"""
import heapq
import json
import random
import time

from fordel.sim import telegram as tg

CORRUPTING = ("corrupt", "crc", "uart")


class Faults:
    def __init__(self, corrupt=0.0, crc=0.0, duplicate=0.0, uart=0.0, resets=()):
        for name, p in (("corrupt", corrupt), ("crc", crc), ("duplicate", duplicate),
                        ("uart", uart)):
            if not 0.0 <= p <= 1.0:
                raise ValueError("fault rate %s=%r is not a probability 0..1" % (name, p))
        if corrupt + crc + uart > 1.0:
            raise ValueError("fault rates corrupt+crc+uart exceed 1")
        self.corrupt, self.crc, self.duplicate, self.uart = corrupt, crc, duplicate, uart
        self.resets = sorted(float(t) for t in resets)

    @classmethod
    def parse(cls, text):
        """'corrupt=0.01,crc=0.02,duplicate=0.05,uart=0,resets=3600;7200' -> Faults."""
        kw = {}
        for part in filter(None, (p.strip() for p in (text or "").split(","))):
            name, _, value = part.partition("=")
            name = name.strip()
            try:
                if name == "resets":
                    kw[name] = [float(v) for v in value.split(";") if v.strip()]
                elif name in ("corrupt", "crc", "duplicate", "uart"):
                    kw[name] = float(value)
                else:
                    raise ValueError("unknown fault %r (corrupt, crc, duplicate, uart, "
                                     "resets)" % name)
            except ValueError as e:
                raise ValueError("fault %r: %s" % (part, e))
        return cls(**kw)


class Sent:
    """One telegram on air. t: simulated s; frame: bytes as delivered (no DLL CRCs); raw:
    format-A frame with DLL CRCs as on air; values: what the meter measured; fault: None or
    'corrupt'/'crc'/'uart'/'duplicate' (the repeat); meter_fault: None, 'wrong_key' or
    'uncoded'; delivered: the module passed it to the host."""

    __slots__ = ("t", "at", "meter_id", "kind", "frame", "raw", "values", "fault",
                 "meter_fault", "rssi_dbm", "delivered", "truth")

    def __init__(self, t, at, meter_id, kind, frame, raw, values, fault, rssi_dbm,
                 meter_fault=None):
        self.t, self.at, self.meter_id, self.kind = t, at, meter_id, kind
        self.frame, self.raw, self.values, self.fault = frame, raw, values, fault
        self.meter_fault = meter_fault
        self.rssi_dbm = rssi_dbm
        self.delivered = False
        self.truth = None       # the meter's exact count then (its register shows it rounded)

    def as_dict(self):
        return {"t": round(self.t, 3), "at": self.at.isoformat(), "meter_id": self.meter_id,
                "kind": self.kind, "frame": self.frame.hex(), "values": self.values,
                "fault": self.fault, "meter_fault": self.meter_fault,
                "rssi_dbm": self.rssi_dbm, "delivered": self.delivered}


class Scenario:
    def __init__(self, prop, faults=None, seed=None):
        self.prop = prop
        self.faults = faults or Faults()
        self.rng = random.Random("scenario/%s" % (prop.seed if seed is None else seed))
        self.sent = []
        self.resets_done = []
        self.clock = 0.0                     # simulated seconds reached
        self._queue = [(m.next_send, i) for i, m in enumerate(prop.meters)]
        heapq.heapify(self._queue)
        self._pending = []                   # duplicates waiting: (t, seq, Sent)
        self._seq = 0

    def replace_meter(self, old_id, seconds=None):
        """SimProperty.replace_meter at `seconds` (default: the scenario's clock); the new
        meter goes on air from then."""
        m = self.prop.replace_meter(old_id, self.clock if seconds is None else seconds)
        heapq.heappush(self._queue, (m.next_send, len(self.prop.meters) - 1))
        return m

    # ---- generation -------------------------------------------------------------------
    def _meter_fault(self, m):
        if m.meter_id in self.prop.uncoded_ids:
            return "uncoded"
        if m.meter_id in self.prop.wrong_key_ids:
            return "wrong_key"
        return None

    def _corrupt(self, m, frame):
        """Damage one byte so that a correct receiver must notice: a bit inside the first
        encrypted block (the 2F2F check fails), or for mode 0 the CI field (0x7A -> 0xFA)."""
        f = bytearray(frame)
        if m.mode == 0:
            f[10] ^= 0x80
        else:
            start = 15 if m.mode == 5 else 36       # after TPL header (+ ELL/AFL in mode 7)
            f[start + self.rng.randrange(16)] ^= 1 << self.rng.randrange(8)
        return bytes(f)

    def telegrams(self, until):
        """Generate Sent records in time order up to simulated second `until` (not
        delivered). Faults are decided here; duplicates follow their original."""
        fz = self.faults
        while True:
            t_next = self._queue[0][0] if self._queue else float("inf")
            if self._pending and self._pending[0][0] <= t_next:
                t, _, s = self._pending[0]
                if t > until:
                    break
                heapq.heappop(self._pending)
                self.clock = t
                yield s
                continue
            if t_next > until:
                break
            t, i = heapq.heappop(self._queue)
            m = self.prop.meters[i]
            if m.removed_at is not None and t >= m.removed_at:
                continue                                # taken down: silent from then on
            frame, values = m.telegram(t)
            heapq.heappush(self._queue, (m.schedule(), i))
            mfault = self._meter_fault(m)
            fault = None
            raw = tg.format_a(frame)
            x = self.rng.random()
            if x < fz.corrupt:
                fault, frame = "corrupt", self._corrupt(m, frame)
                raw = tg.format_a(frame)               # damaged, yet its CRCs hold
            elif x < fz.corrupt + fz.crc:
                fault = "crc"
                raw = tg.format_a(frame, bad_block=self.rng.randrange(1 + (len(frame) - 10 + 15)
                                                                        // 16))
            elif x < fz.corrupt + fz.crc + fz.uart:
                fault = "uart"
            s = Sent(t, m.now(t), m.meter_id, m.KIND, frame, raw, values, fault, m.signal(),
                     mfault)
            s.truth = m.true_count()
            self.clock = t
            if fault not in CORRUPTING and self.rng.random() < fz.duplicate:
                self._seq += 1
                d = Sent(t + self.rng.uniform(0.2, 1.5), s.at, m.meter_id, m.KIND, frame, raw,
                         values, "duplicate", s.rssi_dbm - 4, mfault)
                d.truth = s.truth
                heapq.heappush(self._pending, (d.t, self._seq, d))
            yield s

    # ---- delivery ---------------------------------------------------------------------
    def run(self, radio_sim, sim_seconds, speed=None, on_sent=None, clock=None):
        """Deliver everything up to `sim_seconds` after the current clock to radio_sim (an
        Im871aSimulator/Amb8465Simulator, or None to only record: then `delivered` means
        "a module would pass it on"). speed: simulated seconds per wall second (1 = real
        time); None/0 = as fast as possible. clock: a fordel.sim.clock.SimClock the
        collector's clock also reads: each telegram goes on air when that clock says so,
        and the time that passed on it since the last call, unplayed, is missed first.
        Module resets happen at Faults.resets. Returns the Sent records of this call."""
        if clock is not None and clock.seconds() > self.clock:
            self.miss(clock.seconds())
        t_from = self.clock
        until = t_from + sim_seconds
        wall0 = time.monotonic()
        if clock is not None:
            def wall_of(t):
                return clock.wall_at(t) - time.time() + time.monotonic()
        else:
            def wall_of(t):
                return wall0 + (t - t_from) / speed if speed else None
        resets = [r for r in self.faults.resets if t_from <= r <= until and
                  r not in self.resets_done]
        out = []
        for s in self.telegrams(until):
            while resets and resets[0] <= s.t:
                self._pace(wall_of(resets[0]))
                if radio_sim is not None:
                    radio_sim.reset_module(partial=True)
                self.resets_done.append(resets.pop(0))
            self._pace(wall_of(s.t))
            if radio_sim is None:
                s.delivered = s.fault != "crc"        # what a module would pass on
            elif s.fault != "crc":
                if s.fault == "uart":
                    radio_sim.corrupt_next()
                s.delivered = radio_sim.deliver(s.frame, rssi_dbm=s.rssi_dbm,
                                                mode=self.prop.meter(s.meter_id).link_mode)
            self.sent.append(s)
            out.append(s)
            if on_sent:
                on_sent(s)
        for r in resets:
            if radio_sim is not None:
                radio_sim.reset_module(partial=True)
            self.resets_done.append(r)
        self._pace(wall_of(until))
        self.clock = until
        return out

    def miss(self, until):
        """The telegrams up to simulated second `until` go on air with nobody listening (the
        simulation's clock ran on while the rig did something else): recorded, not
        delivered. Returns how many."""
        n = 0
        for s in self.telegrams(until):
            self.sent.append(s)
            n += 1
        self.resets_done.extend(r for r in self.faults.resets
                                if self.clock <= r <= until and r not in self.resets_done)
        self.clock = max(self.clock, until)
        return n

    @staticmethod
    def _pace(wall):
        if wall is None:
            return
        delay = wall - time.monotonic()
        if delay > 0:
            time.sleep(delay)

    # ---- what the collector should have -----------------------------------------------
    def good(self, s):
        """True if a collector with the property's coding must store this telegram."""
        return s.delivered and s.fault in (None, "duplicate") and s.meter_fault is None

    def expected(self, until=None):
        """{meter id: values of the last telegram a correct collector stores}: delivered,
        undamaged, from a coded meter with the right key; only telegrams sent at or before
        simulated second `until` if given (e.g. the collector's last store time)."""
        out = {}
        for s in self.sent:
            if until is not None and s.t > until:
                break
            if self.good(s):
                out[s.meter_id] = s.values
        return out

    def report(self):
        """Per meter: kind, apartment, coded, sent, delivered, faults {name: n},
        last_values (last telegram sent) and expected (last good one, or None)."""
        exp = self.expected()
        rep = {}
        for m in self.prop.meters:
            row = self.prop.coded(m.meter_id)
            rep[m.meter_id] = {"kind": m.KIND, "apartment": row["apartment"] if row else None,
                               "coded": row is not None,
                               "wrong_key": m.meter_id in self.prop.wrong_key_ids,
                               "sent": 0, "delivered": 0, "faults": {},
                               "last_values": None, "expected": exp.get(m.meter_id)}
        for s in self.sent:
            r = rep[s.meter_id]
            r["sent"] += 1
            r["delivered"] += int(s.delivered)
            for f in (s.fault, s.meter_fault):
                if f:
                    r["faults"][f] = r["faults"].get(f, 0) + 1
            r["last_values"] = s.values
        return {"start": self.prop.start.isoformat(), "clock_s": self.clock,
                "resets": list(self.resets_done), "meters": rep}

    def save(self, path, telegrams=True):
        """Write report() (and every Sent record if `telegrams`) as JSON."""
        doc = self.report()
        if telegrams:
            doc["telegrams"] = [s.as_dict() for s in self.sent]
        with open(path, "w", encoding="utf-8") as f:
            json.dump(doc, f, indent=1, ensure_ascii=False)
