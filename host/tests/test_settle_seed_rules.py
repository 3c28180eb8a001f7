"""The settlement rules of issue 11, each on a small property whose expected figures are
calculated here from the seed's rule (Fraction arithmetic, largest remainder by hand).

Seeds are cited by number and paragraph (blank-line separated, counted from 1)."""
import datetime
from fractions import Fraction as Fr

import pytest

from fordel.devtools.property_folder import largest_remainder_by_hand as lr
from fordel.devtools.property_folder import write_folder
from fordel.settle import allocate
from fordel.settle.property import PropertyError, load

TOML = ('name = "Regelhuset"\nperiod = "2023-01-01..2023-12-31"\nissued = "2024-02-01"\n'
        'utility_statement_date = "2024-01-20"\n[split]\nhot_water_share = 0.0\n'
        'pipe_loss_share = 0.0\ntap_share = 1.0\n')
APTS = "apartment,label,area_m2,fordelingstal,reduction,taps,fee_units\n" \
       "A,st. tv,100,100,0,4,1\nB,st. th,50,50,0,2,1\n"
TENANCIES = "tenancy,apartment,tenant,move_in,move_out,aconto_dkk\n" \
            "TA,A,Anna,2020-01-01,,0\nTB,B,Bo,2020-01-01,,0\n"
COSTS = "pool,text,amount_dkk\nvariable,Energi,1000.00\n"
METERS_HEAD = "meter_id,apartment,kind,scale,kq,kc,reduction,installed,replaced_by," \
              "previous_year,room\n"
READ_HEAD = "meter_id,date,value,kind,source,telegram_ref\n"


def make(tmp_path, meters, readings, toml=TOML, apts=APTS, tenancies=TENANCIES, costs=COSTS,
         extra=None):
    files = {"property.toml": toml, "apartments.csv": apts, "meters.csv": METERS_HEAD + meters,
             "tenancies.csv": tenancies, "costs.csv": costs, "readings.csv": READ_HEAD + readings}
    return write_folder(tmp_path / "p", {**files, **(extra or {})})


def settle(tmp_path, *a, **k):
    return allocate.settle(load(make(tmp_path, *a, **k)))


def amounts(result, pool):
    return [{line.pool: line.amount_ore for line in st.lines}.get(pool, 0)
            for st in result.statements]


def year(mid, a, b):
    return "%s,2023-01-01,%s,reading,,\n%s,2023-12-31,%s,reading,,\n" % (mid, a, mid, b)


# 1. an unread allocator in a flat whose other allocators were read: seed 001 ¶46
def test_unread_allocator_takes_the_average_of_the_flats_other_meters(tmp_path):
    meters = ("a1,A,hca,unit,1,1,0,,,,stue\na2,A,hca,unit,1.5,1,0,,,,køkken\n"
              "a3,A,hca,unit,1,1,0,,,,bad\nb1,B,hca,unit,1,1,0,,,,stue\n")
    r = settle(tmp_path, meters, year("a1", 0, 100) + year("a2", 0, 40) + year("b1", 0, 80))
    # a3 has no readings: average of a1 (100 x 1) and a2 (40 x 1.5) = (100 + 60) / 2 = 80
    a_basis = Fr(100) + 60 + 80
    assert amounts(r, "heat_hca") == lr(100000, [a_basis, Fr(80)])
    est = r.statements[0].estimates
    assert [e.meter_id for e in est] == ["a3"] and est[0].value == 80
    assert "gennemsnit af lejlighedens 2 øvrige målere" in est[0].method
    assert "(100,000 + 60,000) / 2 = 80,000 enheder" in est[0].method


def test_estimate_order_previous_year_first_then_property_average_once_per_flat(tmp_path):
    apts = APTS + "C,1. tv,25,25,0,1,1\n"
    tenancies = TENANCIES + "TC,C,Cai,2020-01-01,,0\n"
    meters = ("a1,A,hca,unit,1,1,0,,,,\na2,A,hca,unit,1,1,0,,,30,\nb1,B,hca,unit,1,1,0,,,,\n"
              "c1,C,hca,unit,1,1,0,,,,\nc2,C,hca,unit,1,1,0,,,,\n")
    r = settle(tmp_path, meters, year("a1", 0, 100) + year("b1", 0, 50), apts=apts,
               tenancies=tenancies)
    # a2: its previous year's 30 units (whole year, normal-year degree days: ratio 1)
    # C: nothing read; property average of the fully read flats: B 50 units / 50 m²
    # (A is not fully read) = 1 unit/m² x 25 m² = 25 units for the flat, 12.5 per meter
    assert amounts(r, "heat_hca") == lr(100000, [Fr(130), Fr(50), Fr(25)])
    c = {e.meter_id: e for e in r.statements[2].estimates}
    assert c["c1"].value == Fr(25, 2) and "2 målere uden aflæsning" in c["c1"].method
    assert "sidste års forbrug 30,000 enheder" in r.statements[0].estimates[0].method
    assert any(ch.name == "Aflæsning" and "a2" in ch.message for ch in r.checks)


# 2. product scale: the reduction is already in the count, seed 004 ¶51
def test_product_scale_reduction_is_not_applied_again(tmp_path):
    meters = "a1,A,hca,product,1.2,1,0.1,,,,\nb1,B,hca,unit,1.5,1,0.2,,,,\n"
    r = settle(tmp_path, meters, year("a1", 0, 100) + year("b1", 0, 100))
    # A: 100 as read; B unit scale: 100 x 1.5 x (1 - 0.2) = 120 (seed 004 ¶50)
    assert amounts(r, "heat_hca") == lr(100000, [Fr(100), Fr(120)])
    st = r.statements[0]
    assert "10,0 %" in st.reduction.text and "produktskala" in st.reduction.text
    assert "E+" not in st.reduction.text


def test_demo_property_gives_the_reduction_once(tmp_path):
    from fordel.settle.example import make_property
    meters = [dict(meter_id="11", apartment="st.tv", kind="hca", kq=1.973, kc=1.025,
                   reduction="0.10", room="stue"),
              dict(meter_id="12", apartment="1.tv", kind="hca", kq=1, kc=1)]
    prop = load(make_property(tmp_path / "demo", meters))
    a = {x.id: x for x in prop.apartments}
    assert a["st.tv"].reduction == 0                 # on the allocator only
    m = {x.id: x for x in prop.meters}["11"]
    assert allocate.meter_factor(m) == Fr(1973, 1000) * Fr(1025, 1000) * Fr(9, 10)
    assert m.room == "stue"


# 3. the water price over cold water and the cold water that is heated, seed 004 ¶18
def test_water_price_covers_cold_and_heated_water(tmp_path):
    meters = ("wa,A,hot_water,,,,,,,,\nca,A,cold_water,,,,,,,,\nwb,B,hot_water,,,,,,,,\n"
              "cb,B,cold_water,,,,,,,,\nha,A,hca,,,,,,,,\nhb,B,hca,,,,,,,,\n")
    readings = year("wa", 0, 20) + year("ca", 0, 40) + year("wb", 0, 10) + year("cb", 0, 30) + \
        year("ha", 0, 1) + year("hb", 0, 1)
    r = settle(tmp_path, meters, readings, costs=COSTS + "cold_water,Vand,1000.00\n")
    pool = {p.key: p for p in r.pools}["cold_water"]
    assert pool.basis_total == 100                   # 20 + 40 + 10 + 30 m³
    assert pool.unit_price == Fr(1000, 100)          # 10 kr./m³, not 1000 / 70
    assert amounts(r, "cold_water") == lr(100000, [Fr(60), Fr(40)])


# 4. a meter replaced by one with a new radio id: seed 004 ¶26
def test_replaced_meter_counts_to_its_final_reading_and_successor_from_its_first(tmp_path):
    meters = "old,A,hca,unit,1,1,0,,new,,stue\nnew,A,hca,unit,1,1,0,,,,stue\nb1,B,hca,,,,,,,,\n"
    readings = ("old,2023-01-01,0,reading,,\nold,2023-05-31,40,reading,,\n"
                "new,2023-06-01,0,reading,,\nnew,2023-12-31,50,reading,,\n" + year("b1", 0, 90))
    r = settle(tmp_path, meters, readings)
    # A: 40 on the old meter + 50 on the new, nothing extrapolated
    assert amounts(r, "heat_hca") == lr(100000, [Fr(90), Fr(90)])
    assert not r.statements[0].estimates
    rows = {x.meter_id: x for x in r.statements[0].readings}
    assert rows["old"].end_how.startswith("slutaflæsning") and rows["new"].start_how.startswith(
        "første aflæsning")


def test_unknown_successor_is_a_problem(tmp_path):
    with pytest.raises(PropertyError, match="meters.csv row 2: replaced_by 'nope'"):
        load(make(tmp_path, "old,A,hca,unit,1,1,0,,nope,,\n", ""))


# 5. move readings, seed 004 ¶26 ("korrigeret for flytteaflæsningen"), seed 000
MOVE = "tenancy,apartment,tenant,move_in,move_out,aconto_dkk\nTA,A,Anna,2020-01-01,,0\n" \
       "TB1,B,Bo,2020-01-01,2023-06-30,0\nTB2,B,Cai,2023-07-01,,0\n"


def test_move_reading_splits_the_consumption(tmp_path):
    readings = year("a1", 0, 100) + year("b1", 0, 80) + "b1,2023-06-30,60,reading,,\n"
    r = settle(tmp_path, "a1,A,hca,,,,,,,,\nb1,B,hca,,,,,,,,\n", readings, tenancies=MOVE)
    # Bo 0 -> 60 (move reading 30-06-2023), Cai 60 -> 80; not 80 x 181/365
    assert amounts(r, "heat_hca") == lr(100000, [Fr(100), Fr(60), Fr(20)])
    bo = r.statements[1].readings[0]
    assert (bo.start_date, bo.end_date, bo.end, bo.end_how) == (
        datetime.date(2023, 1, 1), datetime.date(2023, 6, 30), 60, "flytteaflæsning")
    cai = r.statements[2].readings[0]
    assert (cai.start, cai.start_how, cai.end) == (60, "flytteaflæsning", 80)


def test_without_a_move_reading_days_are_used_and_said(tmp_path):
    readings = year("a1", 0, 100) + year("b1", 0, 80)
    r = settle(tmp_path, "a1,A,hca,,,,,,,,\nb1,B,hca,,,,,,,,\n", readings, tenancies=MOVE)
    assert amounts(r, "heat_hca") == lr(100000, [Fr(100), 80 * Fr(181, 365),
                                                 80 * Fr(184, 365)])
    assert "ingen aflæsning ved flytningen; fordelt efter kalenderdage: 181 af 365" in \
        r.statements[1].readings[0].note


# 6. the allocator's reset at its set date, from the set-date value in the telegram
def test_set_date_reset_without_a_visible_drop(tmp_path):
    toml = TOML.replace("2023-01-01..2023-12-31", "2022-07-01..2023-06-30")
    readings = ("meter_id,date,value,kind,set_date,set_date_value\n"
                "a1,2022-07-01,10,reading,,\na1,2023-02-01,30,reading,2022-12-31,70\n"
                "a1,2023-06-30,45,reading,2022-12-31,70\n"
                "b1,2022-07-01,0,reading,,\nb1,2023-06-30,50,reading,,\n")
    r = settle(tmp_path, "a1,A,hca,,,,,,,,\nb1,B,hca,,,,,,,,\n", "", toml=toml,
               extra={"readings.csv": readings})
    # a1: (70 - 10) to the set date, 30 after the reset, then 45 - 30: 105 (not 35)
    assert amounts(r, "heat_hca") == lr(100000, [Fr(105), Fr(50)])


# 7. the year's degree days as input; the normal year only as a named fallback
def test_year_degree_days_split_a_move_without_reading(tmp_path):
    toml = TOML.replace("tap_share = 1.0", 'tap_share = 1.0\nmoves = "degree_days"')
    dd = "month,degree_days\n" + "".join("2023-%02d,%d\n" % (m, v) for m, v in zip(
        range(1, 13), (500, 450, 400, 300, 150, 50, 20, 20, 100, 200, 350, 460)))
    readings = year("a1", 0, 100) + year("b1", 0, 80)
    r = settle(tmp_path, "a1,A,hca,,,,,,,,\nb1,B,hca,,,,,,,,\n", readings, toml=toml,
               tenancies=MOVE, extra={"degree_days.csv": dd})
    first, whole = 500 + 450 + 400 + 300 + 150 + 50, 3000
    assert amounts(r, "heat_hca") == lr(100000, [Fr(100), 80 * Fr(first, whole),
                                                 80 * Fr(whole - first, whole)])
    assert not any(c.name == "Graddage" for c in r.checks)
    # the same figures in property.toml [degree_days]
    table = "\n[degree_days]\n" + "".join('"%s" = %s\n' % tuple(x.split(","))
                                          for x in dd.splitlines()[1:])
    r3 = settle(tmp_path, "a1,A,hca,,,,,,,,\nb1,B,hca,,,,,,,,\n", readings, toml=toml + table,
                tenancies=MOVE, extra={"degree_days.csv": "month,degree_days\n"})
    assert amounts(r3, "heat_hca") == amounts(r, "heat_hca")
    r2 = settle(tmp_path, "a1,A,hca,,,,,,,,\nb1,B,hca,,,,,,,,\n", readings, toml=toml,
                tenancies=MOVE, extra={"degree_days.csv": "month,degree_days\n"})
    assert any(c.name == "Graddage" and "normalår" in c.message for c in r2.checks)


# 8. a kWh heat meter beside allocators: its own pool or a refusal (seed 001 ¶88, ¶48)
def test_heat_meter_beside_allocators(tmp_path):
    meters = "a1,A,hca,,,,,,,,\nb1,B,hca,,,,,,,,\nf1,A,heat,,,,,,,,gulvvarme\n"
    readings = year("a1", 0, 100) + year("b1", 0, 100) + year("f1", 0, 4500)
    with pytest.raises(PropertyError, match="meters.csv row 4: energy meter .* heat_kwh_share"):
        load(make(tmp_path, meters, readings))
    toml = TOML.replace("tap_share = 1.0", "tap_share = 1.0\nheat_kwh_share = 0.25")
    r = settle(tmp_path, meters, readings, toml=toml)
    pools = {p.key: p.amount_ore for p in r.pools}
    assert pools == {"fixed": 0, "pipe": 0, "heat_hca": 75000, "heat_kwh": 25000} or \
        (pools["heat_hca"], pools["heat_kwh"]) == (75000, 25000)
    assert amounts(r, "heat_kwh") == [25000, 0]


# 9. silent input problems become listed problems, nothing written
@pytest.mark.parametrize("change, want", [
    ({"meters.csv": METERS_HEAD + "a1,A,hca,,,,,,,,\na1,B,hca,,,,,,,,\n"},
     "meters.csv row 3: meter a1 listed twice (also row 2)"),
    ({"tenancies.csv": TENANCIES + "TA,B,Eve,2024-01-01,,0\n"},
     "tenancies.csv row 4: tenancy TA listed twice"),
    ({"meters.csv": METERS_HEAD + "a1,A,hca,,,,,,,,\nA1,B,hca,,,,,,,,\n"},
     "meters.csv row 3: meter A1 differs from a1 (row 2) only in case"),
    ({"readings.csv": READ_HEAD + "A1,2023-01-01,0,reading,,\n"},
     "readings.csv row 2: unknown meter A1 (meters.csv has a1: ids differ only in case)"),
    ({"meters.csv": METERS_HEAD + "a1,A,hca,unit,0,1,0,,,,\n"}, "KQ 0 and KC 1 must be positive"),
    ({"tenancies.csv": TENANCIES + "TX,a,Xena,2024-01-01,,0\n"},
     "tenancies.csv row 4: unknown apartment 'a' (apartments.csv has 'A': ids differ only "
     "in case)"),
    ({"costs.csv": COSTS + "variable,Kreditnota,-2000.00\n"},
     "pool variable totals -1000.00 DKK"),
    ({"costs.csv": "pool,text,amount_dkk\nvariable,x,Infinity\n"}, "is not a finite number"),
    ({"costs.csv": "pool,text,amount_dkk\nvariable,x,NaN\n"}, "is not a finite number"),
    ({"costs.csv": "pool,text,amount_dkk\nvariable,x,1e30\n"}, "'1e30' is out of range"),
    ({"readings.csv": READ_HEAD + "a1,2023-01-01,1e999999,reading,,\n"},
     "readings.csv row 2: '1e999999' is out of range"),
    ({"readings.csv": (READ_HEAD + "a1,2023-01-01,0,reading,Bjørn,\n").encode("latin-1")},
     "readings.csv row 2: not UTF-8 (byte 0xf8)"),
    ({"readings.csv": READ_HEAD + "a1,2023-03-01,5,reading,,\na1,2023-03-01,6,reading,,\n"},
     "readings.csv row 3: meter a1 has two reading values on 2023-03-01: 5 (row 2) and 6"),
])
def test_input_problems_are_listed_and_nothing_written(tmp_path, change, want):
    from fordel.settle.settle_cmd import settle_folder
    d = make(tmp_path, "a1,A,hca,,,,,,,,\n", "", extra=change)
    with pytest.raises(PropertyError) as e:
        settle_folder(d, out=tmp_path / "out")
    assert want in str(e.value), str(e.value)
    assert not (tmp_path / "out").exists()


def test_toml_dates_and_a_danish_spreadsheet_are_read(tmp_path):
    toml = TOML.replace('issued = "2024-02-01"', "issued = 2024-02-01").replace(
        'utility_statement_date = "2024-01-20"', "utility_statement_date = 2024-01-20")
    costs = "pool;text;amount_dkk\nvariable;Energi;1.000,50\n"
    readings = "meter_id;date;value;kind\na1;01-01-2023;0;reading\na1;31-12-2023;12,5;reading\n" \
               "b1;01-01-2023;0;reading\nb1;31-12-2023;7,5;reading\n"
    r = settle(tmp_path, "a1,A,hca,,,,,,,,\nb1,B,hca,,,,,,,,\n", "", toml=toml,
               extra={"costs.csv": costs, "readings.csv": readings})
    assert r.issued == datetime.date(2024, 2, 1)
    assert amounts(r, "heat_hca") == lr(100050, [Fr(25, 2), Fr(15, 2)])
    assert any("semikolon" in a for a in r.audit)


def test_ambiguous_danish_number_is_a_problem(tmp_path):
    costs = "pool;text;amount_dkk\nvariable;Energi;1000.5\n"
    with pytest.raises(PropertyError, match="decimals with a comma"):
        load(make(tmp_path, "a1,A,hca,,,,,,,,\n", "", extra={"costs.csv": costs}))


def test_nothing_is_lost_between_moves_replacements_and_estimates(tmp_path):
    """A replaced meter, a move with and one without a reading, a vacancy, a meter read
    only until mid-June and an unread one: every unit reaches exactly one statement."""
    apts = APTS + "C,1. tv,60,60,0,1,1\n"
    tenancies = MOVE + "TC,C,Dan,2023-03-01,2023-08-31,0\n"
    meters = ("old,B,hca,unit,1.2,1,0,,new,,\nnew,B,hca,unit,1.3,1,0,,,,\n"
              "b2,B,hca,unit,1,1,0,,,,\na1,A,hca,,,,,,,,\nc1,C,hca,,,,,,,,\n"
              "c2,C,hca,,,,,,,12,\n")
    readings = ("old,2023-01-01,0,reading,,\nold,2023-05-31,40,reading,,\n"
                "new,2023-06-01,0,reading,,\nnew,2023-07-01,7,reading,,\n"
                "new,2023-12-31,50,reading,,\n" + year("b2", 0, 30) +
                "b2,2023-07-01,20,reading,,\n" + year("a1", 0, 100) +
                "c1,2023-01-01,0,reading,,\nc1,2023-06-15,30,reading,,\n")
    r = settle(tmp_path, meters, readings, apts=apts, tenancies=tenancies)
    # c1 read to 15 June and extrapolated by the normal year's degree days (no year's given)
    seen = Fr(519 + 486 + 444 + 311 + 154) + Fr(58 * 15, 30)
    c1 = 30 * Fr(3112) / seen
    want = Fr(40) * Fr(12, 10) + 50 * Fr(13, 10) + 30 + 100 + c1 + 12
    pool = {p.key: p for p in r.pools}["heat_hca"]
    assert float(pool.basis_total) == pytest.approx(float(want), abs=2e-3)
    assert sum(st.total_ore for st in r.statements) == sum(p.amount_ore for p in r.pools)
    # Bo: old 0 -> 40 (x 1.2), new 0 -> 7 at the move reading on 1 July (x 1.3), b2 0 -> 20
    bo = {x.meter_id: x for x in r.statements[1].readings}
    assert (bo["old"].basis, bo["new"].basis, bo["b2"].basis) == (48, Fr(91, 10), 20)
    cai = {x.meter_id: x for x in r.statements[2].readings}
    assert "old" not in cai and (cai["new"].start, cai["new"].end) == (7, 50)


def test_unread_replaced_meter_is_estimated_only_until_its_successor(tmp_path):
    meters = ("old,A,cold_water,,,,,,new,10,\nnew,A,cold_water,,,,,,,,\n"
              "cb,B,cold_water,,,,,,,,\na1,A,hca,,,,,,,,\nb1,B,hca,,,,,,,,\n")
    readings = ("new,2023-07-01,0,reading,,\nnew,2023-12-31,6,reading,,\n" + year("cb", 0, 8)
                + year("a1", 0, 1) + year("b1", 0, 1))
    r = settle(tmp_path, meters, readings, costs=COSTS + "cold_water,Vand,100.00\n")
    # old: last year's 10 m³ x 365/365 days, only for 1 Jan - 30 Jun: x 181/365 (seed 001
    # ¶45, calendar days), plus the new meter's 6 m³
    old = Fr(10) * Fr(181, 365)
    pool = {p.key: p for p in r.pools}["cold_water"]
    assert float(pool.basis_total) == pytest.approx(float(old + 6 + 8), abs=1e-3)
    assert "kun for tiden i brug 01-01-2023–30-06-2023" in r.statements[0].estimates[0].method
