"""Write a valid property folder for simulated meters (the demo, tests, benchmarks).

    make_property(folder, meters, readings_csv=None, period=(start, end), name=...)

meters: dicts {meter_id, apartment, kind, scale, kq, kc, reduction, multiplier} as in a
collector's coding (apartment names like 'st.tv'; the same coding columns, so the settlement
checks the collector's factors against them); readings_csv: the ingest export, copied as is.
Costs follow a small Danish district-heating bill; one tenancy per apartment, one move in
the middle of the period for the second apartment."""
import csv
import datetime
import random
from pathlib import Path


def make_property(folder, meters, readings_csv=None, period=None, name="Simuleret ejendom",
                  seed=1):
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    start, end = period or (datetime.date(2024, 1, 1), datetime.date(2024, 12, 30))
    rng = random.Random(seed)
    apts = sorted({m["apartment"] for m in meters})
    (folder / "property.toml").write_text(
        'name = "%s"\naddress = "Simulatorvej 1, 8700 Horsens"\nperiod = "%s..%s"\n'
        'issued = "%s"\nutility_statement_date = "%s"\n\n[split]\n'
        'hot_water_share = 0.17\npipe_loss_share = 0.15\ntap_share = 0.5\n'
        % (name, start, end, end + datetime.timedelta(days=40),
           end + datetime.timedelta(days=20)), encoding="utf-8")
    with open(folder / "apartments.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["apartment", "label", "area_m2", "fordelingstal", "reduction", "taps",
                    "fee_units"])
        for i, a in enumerate(apts):
            area = rng.choice((54, 68, 75, 82, 96, 110))
            # the coding gives an exposed flat's reduction on its allocators (ista codes it
            # into the meters, seed 004 ¶49-51); giving it in the fordelingstal as well would
            # reduce twice (seed 001 ¶32 names the places as alternatives)
            w.writerow([a, a, area, area, "0", 3 + area // 40, 1])
    with open(folder / "meters.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["meter_id", "apartment", "kind", "scale", "kq", "kc", "reduction",
                    "multiplier", "installed", "room", "replaced_by"])
        for m in meters:
            w.writerow([m["meter_id"], m["apartment"], m["kind"], m.get("scale") or "unit",
                        m.get("kq") or 1, m.get("kc") or 1, m.get("reduction") or 0,
                        m.get("multiplier") or 1, m.get("installed") or "2023-06-01",
                        m.get("room") or "", m.get("replaced_by") or ""])
    with open(folder / "tenancies.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["tenancy", "apartment", "tenant", "move_in", "move_out", "aconto_dkk"])
        names = ("Anna Hansen", "Bo Berg", "Cai Carlsen", "Dorte Dam", "Erik Ebbesen",
                 "Frida Falk", "Gorm Gade", "Hanne Holm", "Ib Iversen", "Jens Juhl")
        mid = start + (end - start) // 2
        for i, a in enumerate(apts):
            if i == 1:
                w.writerow(["%s-1" % a, a, names[i % 10], start, mid, 4800])
                w.writerow(["%s-2" % a, a, names[(i + 5) % 10],
                            mid + datetime.timedelta(days=1), "", 4800])
            else:
                w.writerow([a, a, names[i % 10], start, "", 9600])
    n = len(apts)
    with open(folder / "costs.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["pool", "text", "amount_dkk"])
        w.writerow(["fixed", "Fast bidrag og abonnement inkl. moms", "%.2f" % (2400.0 * n)])
        w.writerow(["variable", "Energi (MWh) inkl. moms", "%.2f" % (6300.0 * n)])
        w.writerow(["cold_water", "Vand og vandafledning inkl. moms", "%.2f" % (2100.0 * n)])
        w.writerow(["fee", "Beboerapp", "%.2f" % (54.0 * n)])
    dst = folder / "readings.csv"
    if readings_csv:
        dst.write_bytes(Path(readings_csv).read_bytes())
    elif not dst.exists():
        dst.write_text("meter_id,date,value,kind,source,telegram_ref\n", encoding="utf-8")
    return folder
