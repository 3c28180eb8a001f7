"""The array parts of the engine against fordel.devtools.settle_reference on random properties.

- money: allocate.settle's bases (float64 arrays per pool and tenancy) and largest remainder
  against reference.settle_ore (the same rules, bases and split in exact fractions): every
  tenancy's øre in every pool must be the same;
- EED months: eed_months.eed_series (all meters at once) against reference.eed_series (each
  meter with bisect over its readings).
The properties mix what the rules distinguish: unit and product scale, KQ/KC, reductions,
an allocator's reset at the set date (with and without the set-date value), meters replaced
in place and by a meter with a new radio id (replaced_by), move readings, readings that stop
early (degree days, the year's or the normal year), unread meters estimated in seed 001's
order (previous year, flat average, property average) or a given order, vacancies, moves
split by days or degree days, hot water by meters or by taps and rooms, no-heat units."""
import datetime
import math
import random

import pytest

from fordel.devtools import settle_reference as reference
from fordel.settle import allocate
from fordel.settle.property import load

START, END = datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)


def day(n):
    return START + datetime.timedelta(days=n)


def write_random_property(folder, rng):
    folder.mkdir()
    n = rng.randint(3, 25)
    heat_kind = rng.choice(("hca", "hca", "heat"))
    hot_water_meters = rng.random() < 0.7
    order = rng.choice(("", "", 'estimate_order = ["property_average", "previous_year"]\n'))
    (folder / "property.toml").write_text(
        'name = "Tilfældig"\nperiod = "%s..%s"\nissued = "2024-02-01"\n'
        'utility_statement_date = "2024-01-20"\n[split]\nhot_water_share = %.2f\n'
        'pipe_loss_share = %.2f\ntap_share = %.2f\nroom_share = %.1f\nmoves = "%s"\n%s'
        % (START, END, rng.uniform(0.1, 0.3), rng.uniform(0, 0.2), rng.uniform(0.3, 0.7),
           rng.choice((0, 0.5)), rng.choice(("days", "degree_days")), order),
        encoding="utf-8")
    if rng.random() < 0.5:
        (folder / "degree_days.csv").write_text("month,degree_days\n" + "".join(
            "%d-%02d,%d\n" % (y, m, rng.randint(0, 600)) for y in (2022, 2023)
            for m in range(1, 13)), encoding="utf-8")
    apts, meters, readings, tenancies = [], [], [], []
    for i in range(n):
        apt = "L%02d" % i
        area = rng.choice((41, 54, 68, 75, 82.5, 96, 110))
        apts.append("%s,%d. sal,%s,%s,%s,%d,%d,%d" % (
            apt, i, area, round(area * rng.uniform(0.8, 1.2), 2),
            rng.choice(("0", "0", "0.1")), rng.randint(1, 6), rng.choice((1, 1, 2)),
            rng.randint(1, 5)))
        moves = random_tenancies(rng, apt, tenancies)
        kinds = [heat_kind] * (rng.randint(0, 3) if heat_kind == "hca" else rng.randint(0, 1))
        kinds += ["hot_water"] * (hot_water_meters and rng.random() < 0.9)
        kinds += ["cold_water"] * (rng.random() < 0.8)
        for k, kind in enumerate(kinds):
            mid = "%s-%s%d" % (apt, kind, k)
            successor = rng.random() < 0.1
            meters.append(meter_row(rng, mid, apt, kind, mid + "n" if successor else ""))
            if successor:
                swap = day(rng.randint(30, 300))
                meters.append(meter_row(rng, mid + "n", apt, kind, ""))
                v0 = rng.uniform(0, 900)
                readings += [reading(mid, START, v0, kind),
                             reading(mid, swap, v0 + rng.uniform(1, 200), kind, "final"),
                             reading(mid + "n", swap, 0, kind),
                             reading(mid + "n", END, rng.uniform(1, 300), kind)]
            else:
                readings += random_readings(rng, mid, kind, moves)
    files = {
        "apartments.csv": ["apartment,label,area_m2,fordelingstal,reduction,taps,fee_units,"
                           "rooms"] + apts,
        "meters.csv": ["meter_id,apartment,kind,scale,kq,kc,reduction,installed,"
                       "previous_year,no_heat_units,replaced_by,room"] + meters,
        "readings.csv": ["meter_id,date,value,kind,source,telegram_ref,set_date,"
                         "set_date_value"] + rng.sample(readings, len(readings)),
        "tenancies.csv": ["tenancy,apartment,tenant,move_in,move_out,aconto_dkk"] + tenancies,
        "costs.csv": ["pool,text,amount_dkk", "fixed,Fast,%.2f" % rng.uniform(1e3, 1e5),
                      "variable,Energi,%.2f" % rng.uniform(1e4, 3e5),
                      "exclude,Ventilation,%.2f" % rng.choice((0, 0, 1234.56)),
                      "cold_water,Vand,%.2f" % rng.uniform(1e3, 5e4),
                      "fee,App,%.2f" % rng.choice((0, 54 * n, 99.99))],
    }
    for name, lines in files.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def meter_row(rng, mid, apt, kind, replaced_by):
    unit = rng.random() < 0.7
    prev = "%.1f" % rng.uniform(5, 500) if rng.random() < 0.4 else ""
    return "%s,%s,%s,%s,%s,%s,%s,2021-01-01,%s,%s,%s,stue" % (
        mid, apt, kind, "unit" if unit else "product",
        rng.choice(("0.85", "1.2", "1.55")) if unit else "",
        rng.choice(("0.95", "1", "1.05")) if unit else "", rng.choice(("0", "0", "0.2")),
        prev, rng.choice(("", "", "5")) if kind == "hca" else "", replaced_by)


def reading(mid, when, value, kind, how="reading", set_date="", set_value=""):
    fmt = "%d" if kind in ("hca", "heat") else "%.3f"
    return "%s,%s,%s,%s,collector,,%s,%s" % (
        mid, when, fmt % value, how, set_date, (fmt % set_value) if set_value != "" else "")


def random_readings(rng, mid, kind, moves):
    v0 = rng.uniform(0, 900)
    case = rng.random()
    if case < 0.15:
        return []                                          # unread: estimated
    if case < 0.22 and kind == "hca":                      # reset at the set date 1 June
        return [reading(mid, START, v0, kind),
                reading(mid, day(200), rng.uniform(5, 90), kind, "reading", "2023-06-01",
                        v0 + rng.uniform(10, 300)),
                reading(mid, END, 100 + rng.uniform(10, 800), kind)]
    if case < 0.3 and kind == "hca":       # reset at 31 December, its value not sent
        return [reading(mid, day(-1), v0, kind), reading(mid, day(2), 4, kind),
                reading(mid, END, 4 + rng.uniform(10, 800), kind)]
    if case < 0.4:                                         # replaced in place
        swap = day(rng.randint(30, 300))
        return [reading(mid, START, v0, kind),
                reading(mid, swap, v0 + rng.uniform(1, 200), kind, "final"),
                reading(mid, swap, 0, kind, "start"),
                reading(mid, END, rng.uniform(1, 300), kind)]
    last = day(rng.randint(150, 300)) if case < 0.5 else END   # stops early
    out, value = [reading(mid, START, v0, kind)], v0
    for d in sorted(m for m in moves if m < last):        # move readings (some missing)
        if rng.random() < 0.7:
            value += rng.uniform(0, 200)
            out.append(reading(mid, d, value, kind))
    out.append(reading(mid, last, value + rng.uniform(0, 700), kind))
    return out


def random_tenancies(rng, apt, tenancies):
    """Tenancies of one apartment (with gaps: vacancies); returns the days tenants moved."""
    moves, d = [], day(-rng.randint(0, 900))
    for k in range(rng.choice((0, 1, 1, 2, 3))):
        d += datetime.timedelta(days=rng.choice((0, 0, 1, 20)))
        move_out = d + datetime.timedelta(days=rng.randint(20, 500))
        last = k == 2 or rng.random() < 0.3
        tenancies.append("%s-%d,%s,Lejer,%s,%s,%d" % (apt, k, apt, d, "" if last else move_out,
                                                      rng.randint(0, 20000)))
        if last:
            break
        if START <= move_out < END:
            moves.append(move_out)
        d = move_out + datetime.timedelta(days=1)
    return moves


def money(result):
    return {st.tenancy_id: {line.pool: line.amount_ore for line in st.lines}
            for st in result.statements}


def same_eed(new, old):
    assert len(new) == len(old)
    for a, b in zip(new, old):
        assert (a.unit_id, a.quantity, a.unit, a.note) == (b.unit_id, b.quantity, b.unit, b.note)
        for x, y in zip(a.months, b.months, strict=True):
            assert (x.year, x.month, x.interpolated) == (y.year, y.month, y.interpolated)
            for u, v in ((x.own, y.own), (x.last_year, y.last_year), (x.average, y.average)):
                assert (u is None) == (v is None)
                assert u is None or math.isclose(u, v, rel_tol=1e-12, abs_tol=1e-9)


@pytest.mark.parametrize("seed", range(40))
def test_arrays_equal_the_exact_reference(tmp_path, seed):
    prop = load(write_random_property(tmp_path / "p", random.Random(seed)))
    result = allocate.settle(prop)
    assert money(result) == reference.settle_ore(prop)
    same_eed(result.eed, reference.eed_series(prop))


def test_the_random_properties_reach_the_rules(tmp_path):
    """The generator makes what the docstring says (else the comparison proves little)."""
    seen = set()
    for seed in range(40):
        prop = load(write_random_property(tmp_path / str(seed), random.Random(seed)))
        result = allocate.settle(prop)
        for st in result.statements:
            seen |= {"vacancy"} if st.vacant else set()
            seen |= {"estimate"} if st.estimates else set()
            for r in st.readings:
                seen |= {k for k, text in (("set date", "skæringsdatoen"),
                                           ("no set-date value", "mangler"),
                                           ("replaced in place", "målerudskiftning"),
                                           ("replaced_by", "udskiftet af måler"),
                                           ("extrapolated", "skønnet for hele perioden"))
                         if text in r.note}
                seen |= {"move reading"} if r.start_how == "flytteaflæsning" else set()
            seen |= {e.method.split(" ")[0] for e in st.estimates}
        seen |= {"interpolated"} if any(s.note for s in result.eed) else set()
    assert {"vacancy", "estimate", "set date", "no set-date value", "replaced in place",
            "replaced_by", "extrapolated", "move reading", "sidste", "gennemsnit",
            "ejendommens", "interpolated"} <= seen, seen


def test_a_wrong_split_is_caught(tmp_path, monkeypatch):
    """The comparison fails when the array side is off by one øre's rounding."""
    prop = load(write_random_property(tmp_path / "p", random.Random(3)))
    real = allocate.largest_remainder

    def floors_only(amount, bases):             # leftover øre to the last tenancy instead
        out = real(amount, bases)
        if len(out) > 2 and out[0] > 0:
            out[0] -= 1
            out[-1] += 1
        return out

    monkeypatch.setattr(allocate, "largest_remainder", floors_only)
    assert money(allocate.settle(prop)) != reference.settle_ore(prop)


def test_largest_remainder_breaks_exact_ties_by_order_not_by_float_noise():
    # 2,782,680 øre over taps 4, 1, 1, 2, 1 (Σ 9): 4/9 and 1/9 of it both end in 2/3 øre
    # (4 × 2,782,680 = 11,130,720 = 9 × 1,236,746 + 6; 2,782,680 = 9 × 309,186 + 6), 2/9
    # ends in 1/3; 3 øre are left after the floors: the first three with 2/3 get one each
    got = allocate.largest_remainder(2_782_680, [4.0, 1.0, 1.0, 2.0, 1.0])
    assert list(got) == [1_236_747, 309_187, 309_187, 618_373, 309_186]
    rng = random.Random(7)
    for _ in range(500):
        bases = [rng.choice((0.0, 0.5, 1.0, 2.0, 3.0, 7.25, 1 / 3)) if rng.random() < 0.5
                 else rng.uniform(0, 100) for _ in range(rng.randint(1, 30))]
        amount = rng.randrange(0, 10**8)
        assert list(allocate.largest_remainder(amount, bases)) == \
            reference.largest_remainder(amount, bases)


def test_eed_months_in_chunks_of_meters_are_the_same(tmp_path, monkeypatch):
    from fordel.settle import eed_months
    monkeypatch.setattr(eed_months, "CHUNK", 3)      # many chunks, one cut inside a flat
    for seed in range(5):
        prop = load(write_random_property(tmp_path / str(seed), random.Random(seed)))
        same_eed(eed_months.eed_series(prop), reference.eed_series(prop))


@pytest.mark.parametrize("seed", range(40, 58))
def test_arrays_give_the_per_meter_statements(tmp_path, seed):
    """allocate.settle (plain apartments in arrays, the rest per meter) against
    allocate.settle_objects (every meter by the per-meter rules, as before the arrays):
    the same statements (lines, readings with their notes, estimates), pools and checks."""
    prop = load(write_random_property(tmp_path / "p", random.Random(seed)))
    new, old = allocate.settle(prop), allocate.settle_objects(prop)
    assert new.pools == old.pools
    assert list(new.statements) == list(old.statements)
    assert [(c.name, c.message) for c in new.checks] == [(c.name, c.message) for c in old.checks]
    assert new.audit == old.audit


def test_the_random_properties_mix_plain_and_per_meter_apartments(tmp_path):
    """Both ways of settling an apartment meet in one property (else the comparisons above
    would test one of them only)."""
    from fordel.settle.arrays import Plain
    both = 0
    for seed in range(40):
        prop = load(write_random_property(tmp_path / str(seed), random.Random(seed)))
        plain = Plain(prop).apartment
        both += bool(plain.any() and (~plain).any())
    assert both >= 10, both


def test_a_generated_property_in_file_order(tmp_path):
    """The bench's property (fordel.sim.settlement_folder: ids listed in file order, each
    meter's readings together, so the loader matches ids without look-ups): the arrays
    give the per-meter engine's statements, and every apartment is plain."""
    from fordel.settle.arrays import Plain
    from fordel.sim.settlement_folder import write_property
    prop = load(write_property(tmp_path / "g", 600, seed=3))
    assert Plain(prop).apartment.all()
    new, old = allocate.settle(prop), allocate.settle_objects(prop)
    assert new.pools == old.pools
    assert list(new.statements) == list(old.statements)
    assert [(c.name, c.message) for c in new.checks] == [(c.name, c.message) for c in old.checks]
    assert money(new) == reference.settle_ore(prop)


def write_moves_property(folder, rng, apartments=30):
    """Every apartment's tenant moves once (on a random day, read that day or the next,
    some leaving a vacancy), all meters read at the period's start and end and at the
    move."""
    apts, meters, readings, tenancies = [], [], [], []
    for i in range(apartments):
        apt = "M%02d" % i
        area = rng.choice((54, 68, 75))
        apts.append("%s,%d. sal,%d,%d,0,%d,1,%d" % (apt, i, area, area, 1 + i % 3, 1 + i % 4))
        move = day(rng.randint(20, 340))
        back = move + datetime.timedelta(days=rng.choice((1, 1, 30)))     # 30: vacant
        tenancies += ["%s-a,%s,Ude,2020-01-01,%s,%d" % (apt, apt, move, rng.randint(0, 9000)),
                      "%s-b,%s,Ind,%s,,%d" % (apt, apt, back, rng.randint(0, 9000))]
        read_on = move + datetime.timedelta(days=rng.choice((0, 1)))      # on it or next
        for k, kind in enumerate(("hca", "hca", "hot_water")):
            mid = "%s-%d" % (apt, k)
            meters.append("%s,%s,%s,unit,%s,1,0,2021-01-01,,,,stue" % (
                mid, apt, kind, rng.choice(("0.85", "1.2"))))
            v0 = rng.randint(0, 900)
            v1 = v0 + rng.randint(0, 400)
            readings += [reading(mid, START, v0, kind), reading(mid, read_on, v1, kind),
                         reading(mid, END, v1 + rng.randint(0, 400), kind)]
    files = {
        "property.toml": 'name = "Flyttehuset"\nperiod = "%s..%s"\nissued = "2024-02-01"\n'
                         'utility_statement_date = "2024-01-20"\n[split]\n'
                         'hot_water_share = 0.2\npipe_loss_share = 0.1\ntap_share = 0.5\n'
                         % (START, END),
        "apartments.csv": "apartment,label,area_m2,fordelingstal,reduction,taps,fee_units,"
                          "rooms\n" + "\n".join(apts) + "\n",
        "meters.csv": "meter_id,apartment,kind,scale,kq,kc,reduction,installed,"
                      "previous_year,no_heat_units,replaced_by,room\n" + "\n".join(meters) + "\n",
        "readings.csv": "meter_id,date,value,kind,source,telegram_ref,set_date,"
                        "set_date_value\n" + "\n".join(readings) + "\n",
        "tenancies.csv": "tenancy,apartment,tenant,move_in,move_out,aconto_dkk\n"
                         + "\n".join(tenancies) + "\n",
        "costs.csv": "pool,text,amount_dkk\nfixed,Fast,30000\nvariable,Energi,90000\n"
                     "cold_water,Vand,9000\nfee,App,300\n",
    }
    from fordel.devtools.property_folder import write_folder
    return write_folder(folder, files)


@pytest.mark.parametrize("seed", range(3))
def test_moves_with_move_readings_in_arrays(tmp_path, seed):
    """Tenancies split at the move readings (seed 004 ¶26), and shared by days where a
    move day has none, in arrays: the per-meter engine's statements (readings on the move
    day named flytteaflæsning, the sharing said), the exact reference's øre."""
    from fordel.settle.arrays import Plain
    prop = load(write_moves_property(tmp_path / "m", random.Random(seed)))
    assert Plain(prop).moves.apartment.all()            # every apartment in arrays
    new, old = allocate.settle(prop), allocate.settle_objects(prop)
    assert new.pools == old.pools
    assert list(new.statements) == list(old.statements)
    assert money(new) == reference.settle_ore(prop)
    assert any(r.end_how == "flytteaflæsning" for st in new.statements for r in st.readings)
    assert any(st.vacant for st in new.statements)
    # a vacancy's last day has no reading: the consumption around it is shared by days
    assert any("fordelt efter kalenderdage" in r.note
               for st in new.statements for r in st.readings)


def test_meters_without_any_reading(tmp_path):
    """An empty readings.csv (every meter estimated) is settled, as the per-meter engine
    settles it (the arrays once indexed the empty readings and failed)."""
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).parent))
    from test_settle_rules import FILES

    from fordel.devtools.property_folder import write_folder
    prop = load(write_folder(tmp_path / "p", {
        **FILES, "readings.csv": "meter_id,date,value,kind,source,telegram_ref\n"}))
    new, old = allocate.settle(prop), allocate.settle_objects(prop)
    assert list(new.statements) == list(old.statements)
    assert all(st.estimates for st in new.statements)


def test_replaced_by_must_name_a_meter_of_the_same_apartment(tmp_path):
    """meters.csv replaced_by, checked over the column: an unknown meter and a meter of
    another apartment are problems with their rows (docs/settlement.md, input problems)."""
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).parent))
    from test_settle_seed_rules import make

    from fordel.settle.property import PropertyError
    d = make(tmp_path, "a1,A,hca,,,,,,zz,,\na2,A,hca,,,,,,b1,,\nb1,B,hca,,,,,,,,\n", "")
    with pytest.raises(PropertyError) as e:
        load(d)
    assert e.value.problems == [
        ("meters.csv", 2, "replaced_by 'zz' is not a meter in meters.csv"),
        ("meters.csv", 3, "meter a2 is replaced by b1 of another apartment or kind")]
