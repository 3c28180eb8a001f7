"""A simulated property (ejendom): apartments with heat cost allocators and water meters,
per-meter AES keys, and the technician's coding CSV (målerkodning) for the collector.

    from fordel.sim.property import SimProperty
    prop = SimProperty(apartments=4, hca_per_apartment=3, seed=1, mode=5,
                       wrong_key=1, uncoded=1)
    prop.meters                 # [SimHeatCostAllocator | SimWaterMeter, ...]
    prop.write_coding("coding.csv")

Everything derives from `seed`: the same arguments give the same ids, keys and readings, so
`fordel sim coding` and `fordel sim radio` describe the same property.

wrong_key   that many meters (taken from the end) encrypt with a key other than the coded one
uncoded     that many extra meters send on air but are missing from the coding CSV
"""
import csv
import datetime
import io
import random

from fordel.sim.meters import SimHeatCostAllocator, SimWaterMeter
from meterrecord.coding import COLUMNS  # noqa: F401  (the coding columns, defined once)

HCA_ROOMS = ("stue", "soveværelse", "køkken", "værelse", "bad", "entré")


def apartment_name(i):
    """0 -> 'st.tv', 1 -> 'st.th', 2 -> '1.tv', ... (Danish floor.side)."""
    floor = i // 2
    return "%s.%s" % ("st" if floor == 0 else floor, "tv" if i % 2 == 0 else "th")


class SimProperty:
    def __init__(self, apartments=4, hca_per_apartment=3, hot_water=1, cold_water=1, seed=1,
                 mode=5, manufacturer="FDL", start=None, interval=(120, 240), wrong_key=0,
                 uncoded=0, set_day=(12, 31), link_mode="T1"):
        if apartments < 1:
            raise ValueError("a property needs at least one apartment")
        self.seed = seed
        self.start = start or datetime.datetime(2024, 1, 15, 0, 0)
        rng = random.Random("property/%s" % seed)
        self.apartments = [apartment_name(i) for i in range(apartments)]
        ids = set()

        def new_id():
            while True:
                mid = "%08d" % rng.randrange(10000000, 100000000)
                if mid not in ids:
                    ids.add(mid)
                    return mid

        self.meters = []
        self.rows = {}        # meter_id -> coding row dict (what the technician coded)
        common = dict(mode=mode, manufacturer=manufacturer, start=self.start,
                      interval=interval, link_mode=link_mode, seed=seed)
        floors = (apartments + 1) // 2
        for a, apt in enumerate(self.apartments):
            exposed = a // 2 in (0, floors - 1) and floors > 1
            for r in range(hca_per_apartment):
                m = SimHeatCostAllocator(new_id(), key=rng.randbytes(16),
                                         factor=rng.uniform(0.1, 0.6), set_day=set_day,
                                         rssi_dbm=rng.uniform(-95, -60), **common)
                self._add(m, apt, HCA_ROOMS[r % len(HCA_ROOMS)] +
                          ("" if r < len(HCA_ROOMS) else str(r)),
                          kq=round(rng.uniform(0.4, 2.0), 3), kc=round(rng.uniform(0.9, 1.1), 3),
                          reduction="0.10" if exposed else "")
            for hot, n in ((True, hot_water), (False, cold_water)):
                for _ in range(n):
                    m = SimWaterMeter(new_id(), hot=hot, key=rng.randbytes(16),
                                      rssi_dbm=rng.uniform(-95, -60), **common)
                    self._add(m, apt, "bad")
        # faults of the installation itself
        self.wrong_key_ids = []
        for m in self.meters[len(self.meters) - wrong_key:] if wrong_key else ():
            if m.mode:
                m.key = bytes(b ^ 0x5A for b in m.key)     # meter was keyed differently
                self.wrong_key_ids.append(m.meter_id)
        self.replaced = {}          # old meter id -> (new meter id, simulated s)
        self._rng = rng
        self._common = common
        self.uncoded_ids = []
        for i in range(uncoded):
            m = SimWaterMeter(new_id(), hot=bool(i % 2), key=rng.randbytes(16),
                              rssi_dbm=rng.uniform(-100, -80), **common)
            self.meters.append(m)                       # on air, never coded
            self.uncoded_ids.append(m.meter_id)

    def _add(self, m, apartment, room, kq="", kc="", reduction=""):
        self.meters.append(m)
        self.rows[m.meter_id] = {
            # a meter that sends plaintext (mode 0) is coded without a key
            "meter_id": m.meter_id, "key": m.key.hex().upper() if m.key and m.mode else "",
            "apartment": apartment, "room": room, "kind": m.KIND,
            "scale": "unit" if m.KIND == "hca" else "", "kq": kq, "kc": kc,
            "reduction": reduction, "multiplier": "", "driver": m.DRIVER}

    def replace_meter(self, old_id, seconds):
        """The allocator `old_id` is taken down at simulated `seconds` and a new one with a
        new radio id and key hung in its place (the technician codes it: same apartment,
        room and factors). Returns the new meter."""
        old = self.meter(old_id)
        if old.KIND != "hca" or old_id not in self.rows:
            raise ValueError("meter %s: only a coded allocator is replaced here" % old_id)
        ids = {m.meter_id for m in self.meters}
        while True:
            mid = "%08d" % self._rng.randrange(10000000, 100000000)
            if mid not in ids:
                break
        new = SimHeatCostAllocator(mid, key=self._rng.randbytes(16), factor=old.factor,
                                   set_day=old.set_day, rssi_dbm=old.rssi_dbm, **self._common)
        new.install(seconds)
        old.removed_at = seconds
        self.meters.append(new)
        row = dict(self.rows[old_id], meter_id=mid, key=new.key.hex().upper())
        self.rows[mid] = row
        self.replaced[old_id] = (mid, seconds)
        return new

    def meter(self, meter_id):
        for m in self.meters:
            if m.meter_id == meter_id:
                return m
        raise KeyError("no simulated meter %s" % meter_id)

    def coded(self, meter_id):
        """The coding row of a meter, or None if it is not coded."""
        return self.rows.get(meter_id)

    def coding_csv(self):
        out = io.StringIO()
        w = csv.DictWriter(out, COLUMNS, lineterminator="\n")
        w.writeheader()
        for row in self.rows.values():
            w.writerow(row)
        return out.getvalue()

    def write_coding(self, path):
        with open(path, "w", encoding="utf-8") as f:
            f.write(self.coding_csv())

    def keys(self):
        """{meter id: coded key} (what a collector knows)."""
        return {mid: bytes.fromhex(r["key"]) for mid, r in self.rows.items() if r["key"]}

    def drivers(self):
        return {mid: r["driver"] for mid, r in self.rows.items()}
