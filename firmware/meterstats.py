"""Per-meter counters for field diagnostics: what the collector heard from each meter.

Coded meters have a slot (their index in the CodingTable) and counters in flat arrays, so
500 meters cost a few kB and counting a telegram allocates nothing. Meters heard that are
not coded are kept in a small bounded table, so the technician can code them on site.
"""
import array

# counters per coded meter
OK = 0          # telegrams decoded and stored/accepted
CRC = 1         # link-layer / module CRC errors attributed to this meter
DECRYPT = 2     # wrong key or no key (0x2F2F check failed)
DECODE = 3      # other decode errors (truncated, unknown CI, ...)
STORED = 4      # readings written to the store (after the reading policy)
NOT_DUE = 5     # heard but not decoded: the reading policy could not have stored it
SECURITY = 6    # refused: a meter coded with a key sent a telegram not encrypted with it
N_COUNTERS = 7
COUNTER_NAMES = ("ok", "crc_errors", "decrypt_failures", "decode_errors", "stored",
                 "not_decoded", "security_errors")

UNCODED_MAX = 64


class MeterStats:
    def __init__(self, capacity):
        self.capacity = capacity
        # 16-bit counters (saturating at 65535): 500 meters' counters in 7 kB
        self.counts = array.array("H", bytes(2 * N_COUNTERS * capacity))
        self.rssi = array.array("b", bytes(capacity))        # last RSSI dBm, 0 = never heard
        self.last_seen = array.array("I", bytes(4 * capacity))  # unix seconds
        # meter id -> [count, last rssi, last seen, manufacturer, device type]
        self.uncoded = {}
        self.uncoded_dropped = 0
        self.unattributed_errors = 0   # errors before the meter id could be read

    def count(self, slot, what):
        i = slot * N_COUNTERS + what
        if self.counts[i] < 65535:
            self.counts[i] += 1

    def heard(self, slot, rssi, now):
        self.rssi[slot] = max(-128, min(127, int(rssi)))
        self.last_seen[slot] = int(now)

    def heard_uncoded(self, meter_id, rssi, now, manufacturer="", device_type=0):
        e = self.uncoded.get(meter_id)
        if e is None:
            if len(self.uncoded) >= UNCODED_MAX:
                self.uncoded_dropped += 1
                return
            e = self.uncoded[meter_id] = [0, 0, 0, manufacturer, device_type]
        e[0] += 1
        e[1] = int(rssi)
        e[2] = int(now)

    def meter(self, slot):
        base = slot * N_COUNTERS
        d = {}
        for i in range(N_COUNTERS):
            d[COUNTER_NAMES[i]] = self.counts[base + i]
        d["last_rssi_dbm"] = self.rssi[slot] if self.last_seen[slot] else None
        d["last_seen"] = self.last_seen[slot] or None
        return d

    def totals(self):
        t = [0] * N_COUNTERS
        c = self.counts
        for i in range(len(c)):
            t[i % N_COUNTERS] += c[i]
        d = {}
        for i in range(N_COUNTERS):
            d[COUNTER_NAMES[i]] = t[i]
        d["uncoded_meters"] = len(self.uncoded)
        d["unattributed_errors"] = self.unattributed_errors
        return d
