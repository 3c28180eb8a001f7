"""A generated property folder in the documented settlement format (docs/settlement.md), of
any size, for benchmarks and scale tests of `fordel settle`.

    write_property(folder, apartments=10_000, seed=1, name="Genereret ejendom")

Per apartment: 3 heat cost allocators on the unit scale (enhedsskala, KQ × KC), 1 hot-water
meter, one tenancy for the whole period; readings at the period's start and end. The costs
are docs/example-property's (fixed 1,000 / variable 2,000 / cold water 300 / fee 10 DKK for
its 2 apartments) scaled to the number of apartments, with its [split]."""
import datetime
import random
from pathlib import Path

PERIOD = (datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))
EXAMPLE_COSTS_PER_2 = (("fixed", "Fast bidrag", 100000), ("variable", "Energi", 200000),
                       ("cold_water", "Vand", 30000), ("fee", "App", 1000))   # øre
HCA_PER_APARTMENT = 3


def _kr(ore):
    return "%d.%02d" % divmod(ore, 100)


def write_property(folder, apartments=10_000, seed=1, name="Genereret ejendom", chunk=50_000):
    """Write the folder; returns its Path. Rows are written in chunks (flat memory)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    start, end = PERIOD
    rng = random.Random(seed)
    (folder / "property.toml").write_text(
        'name = "%s"\naddress = "Generatorvej 1, 8700 Horsens"\nperiod = "%s..%s"\n'
        'issued = "2024-02-01"\nutility_statement_date = "2024-01-20"\n[split]\n'
        'hot_water_share = 0.2\npipe_loss_share = 0.1\ntap_share = 0.5\n'
        % (name, start, end), encoding="utf-8")
    with open(folder / "costs.csv", "w", encoding="utf-8") as f:
        f.write("pool,text,amount_dkk\n")
        for pool, text, ore in EXAMPLE_COSTS_PER_2:
            f.write("%s,%s,%s\n" % (pool, text, _kr(ore * apartments // 2)))
    files = {k: open(folder / k, "w", encoding="utf-8") for k in
             ("apartments.csv", "meters.csv", "tenancies.csv", "readings.csv")}
    try:
        files["apartments.csv"].write(
            "apartment,label,area_m2,fordelingstal,reduction,taps,fee_units\n")
        files["meters.csv"].write("meter_id,apartment,kind,scale,kq,kc,reduction,installed\n")
        files["tenancies.csv"].write("tenancy,apartment,tenant,move_in,move_out,aconto_dkk\n")
        files["readings.csv"].write("meter_id,date,value,kind,source,telegram_ref\n")
        for lo in range(0, apartments, chunk):
            rows = {k: [] for k in files}
            for i in range(lo, min(apartments, lo + chunk)):
                _apartment_rows(rows, i, rng, start, end)
            for k, f in files.items():
                f.write("".join(rows[k]))
    finally:
        for f in files.values():
            f.close()
    return folder


def _apartment_rows(rows, i, rng, start, end):
    apt = "a%07d" % i
    area = rng.choice((54, 68, 75, 82, 96, 110))
    reduction = "0.1" if i % 10 == 0 else "0"
    rows["apartments.csv"].append("%s,%d. sal nr. %d,%d,%d,%s,%d,1\n" % (
        apt, i // 100, i % 100, area, area, reduction, 2 + area // 40))
    rows["tenancies.csv"].append("t%07d,%s,Lejer %d,2020-01-01,,%d\n"
                                 % (i, apt, i, 8000 + 100 * (i % 20)))
    for r in range(HCA_PER_APARTMENT):
        mid = "h%07d%d" % (i, r)
        rows["meters.csv"].append("%s,%s,hca,unit,%s,%s,0,2022-01-01\n" % (
            mid, apt, rng.choice(("0.85", "1.2", "1.55", "2.1")),
            rng.choice(("0.95", "1", "1.05"))))
        v0 = rng.randrange(0, 200)
        rows["readings.csv"].append("%s,%s,%d,reading,collector,\n%s,%s,%d,reading,collector,\n"
                                    % (mid, start, v0, mid, end, v0 + rng.randrange(50, 900)))
    mid = "w%07d" % i
    rows["meters.csv"].append("%s,%s,hot_water,,,,,2022-01-01\n" % (mid, apt))
    v0 = rng.randrange(0, 500_000) / 1000
    rows["readings.csv"].append("%s,%s,%.3f,reading,collector,\n%s,%s,%.3f,reading,collector,\n"
                                % (mid, start, v0, mid, end, v0 + rng.randrange(5_000, 60_000)
                                   / 1000))
