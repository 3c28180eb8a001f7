"""The collector: one received frame's way from the radio module to the record store.

    radio module frame ─▶ meter id ─▶ coded? ─▶ wM-Bus decode (key from the coding)
        ─▶ reading policy (skip, compact daily record, full record) ─▶ coding (scale, KQ×KC,
        reduction, multiplier) ─▶ CBOR record ─▶ store

Every step's outcome is counted per meter (meterstats) for the diagnostics console. Nothing
here knows which board or radio module it runs on: main.py wires those in.
"""
import gc
import time

import meterstats as ms
from meterrecord import CLOCK_VALID_AFTER, main_field, make_compact
from reading_policy import COMPACT, FULL, SKIP, main_value

from wmbus import errors, link
from wmbus.errors import WMBusError


def meter_id_of(frame):
    """The printed id of a wM-Bus frame (L C M M A A A A V T ...) as an int whose hex digits
    are the id (BCD, little-endian; Diehl's own frames put it 2 bytes later, wmbus.link), or
    -1 when the frame is too short."""
    return link.meter_id(frame)


def manufacturer_of(frame):
    m = frame[2] | (frame[3] << 8)
    return chr(((m >> 10) & 0x1F) + 64) + chr(((m >> 5) & 0x1F) + 64) + chr((m & 0x1F) + 64)


def classify(err):
    """Which per-meter counter a decode error goes to (by the codec's error code)."""
    code = getattr(err, "code", 0)
    if code == errors.CRC:
        return ms.CRC
    if code == errors.NO_KEY or code == errors.WRONG_KEY:
        return ms.DECRYPT
    if code == errors.NOT_ENCRYPTED:
        return ms.SECURITY
    return ms.DECODE


class Collector:
    """Wires decoder, coding, reading policy and store. `handle_frame` is the hot path."""

    def __init__(self, collector_id, coding, decoder, store, policy, make_record, clock=time.time):
        self.collector_id = collector_id
        self.coding = coding
        self.decoder = decoder
        self.store = store
        self.policy = policy
        self.make_record = make_record
        self.clock = clock
        self.stats = ms.MeterStats(max(1, len(coding)))
        self.console = None
        self.started = clock()
        self.frames = 0
        self.store_errors = 0
        self.memory_errors = 0      # telegrams dropped for want of heap (main.radio_loop)
        self.clock_unset = 0        # telegrams not stored: the clock was not set yet
        self.last_store_error = None
        self._values = {}           # the decoder fills this one dict for every telegram

    def handle_frame(self, frame, rssi_dbm, crc_ok=True):
        """One frame as the radio module delivered it (L-field first, DLL CRCs removed)."""
        self.frames += 1
        now = int(self.clock())
        mid = meter_id_of(frame)
        if mid < 0:
            self.stats.unattributed_errors += 1
            return None
        if now < CLOCK_VALID_AFTER:
            # a reading must carry its time: until NTP or the server's first answer sets the
            # clock nothing is stored (counted); the meter repeats its telegram in minutes
            self.clock_unset += 1
            return None
        slot = self.coding.slot(mid)
        if slot < 0:
            self.stats.heard_uncoded(mid, rssi_dbm, now, manufacturer_of(frame), frame[9])
            self._tail(mid, rssi_dbm, "uncoded", None, frame, now)
            return None
        if not crc_ok:
            self.stats.count(slot, ms.CRC)
            self._tail(mid, rssi_dbm, "crc error", None, frame, now)
            return None
        if not self.policy.due(slot, now):
            self.stats.count(slot, ms.NOT_DUE)
            self.stats.heard(slot, rssi_dbm, now)
            self._tail(mid, rssi_dbm, "not due", None, frame, now)
            return None
        try:
            values = self.decoder(frame, mid, self.coding.key(slot), self.coding.driver(slot),
                                  self._values)
        except WMBusError as e:
            self.stats.count(slot, classify(e))
            self.stats.heard(slot, rssi_dbm, now)
            self._tail(mid, rssi_dbm, str(e), None, frame, now)
            return None
        self.stats.count(slot, ms.OK)
        self.stats.heard(slot, rssi_dbm, now)
        stored = None
        form = self.policy.decide(slot, values, now)
        if form != SKIP:
            field = main_field(values)
            if form != FULL and field >= 0:
                # the daily reading, or the set-date reading with its raw telegram
                record = make_compact(mid, now, values, field, self.coding.packed_factors(slot),
                                      None if form == COMPACT else frame)
            else:
                coded = self.coding.apply(slot, values)     # a dict only for what is stored
                record = self.make_record(self.collector_id, mid, now, rssi_dbm, values, coded,
                                          self.coding.factors_used(slot), frame)
            try:
                stored = self.store.append(record)
            except Exception as e:  # full flash, I/O error: counted and shown, never fatal
                self.store_errors += 1
                self.last_store_error = "%s: %s" % (type(e).__name__, e)
            else:
                self.policy.stored(slot, values, now)
                self.stats.count(slot, ms.STORED)
        c = self.console
        if c is not None and c.tailing:      # raw and coded main value, only for the tail
            raw = main_value(values)
            coded = None if raw is None else round(raw * self.coding.factor(slot), 4)
            self._tail(mid, rssi_dbm, "stored" if stored is not None else "ok", coded, frame,
                       now, raw)
        return stored

    def _tail(self, mid, rssi, result, value, frame, now, raw=None):
        """A line of the live tail (console `tail on`): time, meter, RSSI, the telegram as
        received (hex, for a bug report or wmbusmeters), the result and the main value raw
        and coded. Made only while tailing."""
        c = self.console
        if c is not None and c.tailing:
            import binascii
            c.telegram({"t": now, "id": "%08x" % mid, "rssi_dbm": rssi, "result": result,
                        "raw": raw, "value": value,
                        "telegram": binascii.hexlify(frame).decode()})

    # -- facts for the console ------------------------------------------------------
    def status(self):
        gc.collect()
        d = {"collector_id": self.collector_id,
             "uptime_s": int(self.clock() - self.started),
             "free_heap": gc.mem_free(),
             "frames": self.frames,
             "coded_meters": len(self.coding),
             "coding_error": getattr(self.coding, "error", None),
             "store_errors": self.store_errors,
             "memory_errors": self.memory_errors,
             "clock_unset": self.clock_unset,
             "last_store_error": self.last_store_error,
             "totals": self.stats.totals()}
        st = getattr(self.store, "status", None)
        if st is not None:
            d["store"] = st()
        return d

    def meters(self):
        """One dict per coded meter, in the coding file's order, with its apartment and room
        from that file (read a line at a time), made as the console writes it (a generator:
        500 meters' dicts would not fit the heap at once)."""
        path = self.coding.path
        if path is None:
            for slot in range(len(self.coding)):
                yield self._meter(slot, "", "")
            return
        with open(path) as f:
            for line in f:
                if len(line) < 9 or line[0] == "#" or line.startswith("meter_id"):
                    continue
                try:
                    slot = self.coding.slot(int(line[:8], 16))
                except ValueError:
                    continue
                if slot >= 0:
                    cells = line.split(",", 4)
                    yield self._meter(slot, cells[2].strip() if len(cells) > 2 else "",
                                      cells[3].strip() if len(cells) > 3 else "")

    def _meter(self, slot, apartment, room):
        m = self.stats.meter(slot)
        m["id"] = "%08x" % self.coding.meter_id(slot)
        m["kind"] = self.coding.kind(slot)
        m["apartment"] = apartment
        m["room"] = room
        # the last reading decoded (stored, or checked unchanged): as the meter shows it
        # (last_raw, what the technician compares with the display) and coded
        v = self.policy.last(slot)
        m["last_raw"] = v
        m["last_reading"] = None if v is None else round(v * self.coding.factor(slot), 4)
        return m

    def uncoded(self):
        """One dict per meter heard but not coded (at most meterstats.UNCODED_MAX)."""
        for mid, e in self.stats.uncoded.items():
            yield {"id": "%08x" % mid, "telegrams": e[0], "last_rssi_dbm": e[1],
                   "last_seen": e[2], "manufacturer": e[3], "device_type": e[4]}
