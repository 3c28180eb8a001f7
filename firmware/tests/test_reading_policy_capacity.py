"""How long the ESP32's records partition holds readings without network, measured on the
micropython binary: the collector's own path (Collector.handle_frame -> ReadingPolicy ->
meterrecord -> Store) for 500 coded meters (300 allocators, 200 water meters, a property's
usual mix) for 30 days without an upload, in a littlefs image the size of the `records`
partition in boards/esp32-common/partitions.csv. Each meter is heard every 6 hours (real
meters send every 2-4 minutes; the policy does not store more for hearing them more often,
test_reading_policy shows the decode checks). On day 1 every meter is new (full records: a
reboot at the start of the outage), on day 15 every meter passes its set date, on day 20 one
water meter in about twenty raises a leak alarm.

Expected, from the issue: at least 30 days, and the store drops nothing. The figures printed
(bytes a day, days the partition holds) come from the store's own free-space count."""
from flash_script import last_json, run_on_flash

from fordel.paths import BOARDS
from fordel.sim.property import SimProperty

PARTITIONS = BOARDS / "esp32-common" / "partitions.csv"

SCRIPT = r"""
import coding, collector, reading_policy
from meterrecord import make_record
table = coding.CodingTable.load(ARGS["coding"])
frames = {}
with open(ARGS["frames"], "rb") as f:
    data = f.read()
i = 0
while i < len(data):
    n = data[i] + 1
    fr = data[i:i + n]
    frames[collector.meter_id_of(fr)] = fr
    i += n
T0 = 1738368000                     # 2025-02-01 00:00 UTC
DAY = 86400
now = [T0]
def decode(frame, mid, key, driver, out=None):
    # the decoded reading of meter `mid` at now[0] (the codec itself is tested elsewhere)
    t = now[0] - T0
    day = t // DAY
    s = table.slot(mid)
    passed = day >= 15
    if table.kind(s) == "hca":
        v = {"current_consumption_hca": 100 + (mid % 97) + t // 5000,
             "set_date": "2025-02-15" if passed else "2024-12-31",
             "consumption_at_set_date_hca":
                 100 + (mid % 97) + (15 * DAY // 5000 if passed else 0),
             "device_datetime": "2025-02-01 00:00", "status": "OK"}
    else:
        v = {"total_m3": 123.456 + t / 864000.0,
             "target_date": "2025-02-15" if passed else "2025-01-31",
             "target_m3": 124.5 if passed else 123.0, "meter_datetime": "2025-02-01 00:00",
             "status": "LEAK" if day >= 20 and mid % 20 == 0 else "OK"}
    return v
st = store.Store(root + "/store")
pol = reading_policy.ReadingPolicy(len(table))
coll = collector.Collector("collector-0001", table, decode, st, pol, make_record,
                           clock=lambda: now[0])
ids = sorted(frames)
free0 = st.status()["flash_free"]
for step in range(30 * 4):          # every 6 hours for 30 days
    for k in range(len(ids)):
        now[0] = T0 + step * 21600 + k * 20
        coll.handle_frame(frames[ids[k]], -80)
s = st.status()
print(json.dumps({"appended": s["appended"], "dropped": s["dropped_records"],
                  "free0": free0, "free": s["flash_free"], "total": s["flash_total"],
                  "full": pol.full, "compact": pol.compact, "set_date": pol.set_date,
                  "store_errors": coll.store_errors, "pending": s["pending"]}))
"""


def _records_partition_bytes():
    for line in PARTITIONS.read_text().splitlines():
        cells = [c.strip() for c in line.split(",")]
        if cells and cells[0] == "records":
            return int(cells[4], 0)
    raise AssertionError("no records partition in %s" % PARTITIONS)


def test_thirty_days_without_network_at_500_meters(tmp_path):
    size = _records_partition_bytes()
    # 500 coded meters: 100 apartments, 3 allocators, a hot and a cold water meter each
    prop = SimProperty(apartments=100, hca_per_apartment=3, seed=13)
    assert len(prop.rows) == 500
    (tmp_path / "coding.csv").write_text(prop.coding_csv())
    with open(tmp_path / "frames.bin", "wb") as f:
        for m in prop.meters:
            frame, _values = m.telegram(3600)
            assert frame[0] == len(frame) - 1
            f.write(frame)
    args = {"coding": str(tmp_path / "coding.csv"), "frames": str(tmp_path / "frames.bin")}
    got = last_json(run_on_flash(SCRIPT, tmp_path / "records.img", size, heap="2M", args=args,
                                 timeout=300))
    # what the policy stored: one full record a meter (new), 30 daily ones (the first day's
    # is the full one), one set-date record a meter, a full record for each alarm
    alarms = sum(1 for mid, r in prop.rows.items()
                 if r["kind"] != "hca" and int(mid, 16) % 20 == 0)
    assert 0 < alarms < 50
    assert got["full"] == 500 + alarms and got["set_date"] == 500
    # a daily record on days 2..30, except where the set-date or alarm record is the day's
    assert got["compact"] == 500 * 29 - 500 - alarms
    assert got["store_errors"] == 0
    assert got["dropped"] == 0, got               # 30 days fit: nothing dropped
    used = got["free0"] - got["free"]
    per_day = used / 30
    days = 30 + got["free"] / per_day
    print("records partition %d B: %d records in 30 days at 500 meters, %d B a day, "
          "holds %.1f days" % (size, got["appended"], per_day, days))
    assert days >= 30
