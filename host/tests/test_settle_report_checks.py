"""The board report's checks as the seeds state them, and what a Danish tenant reads on the
statements (HTML and PDF): each expectation from the seed's rule, computed here."""
import datetime
import re
import sys
from pathlib import Path

import pytest

from fordel.settle import allocate, render, render_pdf, report, statement
from fordel.settle.checks import add_months
from fordel.settle.property import load

sys.path.insert(0, str(Path(__file__).parent))
from render_checks import overlapping, pdf_text_boxes  # noqa: E402
from test_settle_seed_rules import MOVE, METERS_HEAD, TOML, make, year  # noqa: E402

D = datetime.date


def checks(tmp_path, toml=TOML, meters="a1,A,hca,,,,,,,,\nb1,B,hca,,,,,,,,\n", readings=None):
    readings = readings if readings is not None else year("a1", 0, 10) + year("b1", 0, 10)
    r = allocate.settle(load(make(tmp_path, meters, readings, toml=toml)))
    return r, [c for c in r.checks]


@pytest.mark.parametrize("issued, received, ok, due", [
    # cut-off 31-12-2023: 4 months (seed 000 ¶170, seed 004 ¶54) -> 30-04-2024
    ("2024-04-25", "2024-01-20", True, D(2024, 4, 30)),
    ("2024-05-02", "2024-01-20", False, D(2024, 4, 30)),
    # the utility's statement came more than a month after the cut-off: 3 months from it
    ("2024-06-05", "2024-03-10", True, D(2024, 6, 10)),
    ("2024-06-11", "2024-03-10", False, D(2024, 6, 10)),
])
def test_deadline(tmp_path, issued, received, ok, due):
    toml = TOML.replace('issued = "2024-02-01"', 'issued = "%s"' % issued).replace(
        '"2024-01-20"', '"%s"' % received)
    r, cs = checks(tmp_path, toml)
    assert r.deadline == due
    frist = [c for c in cs if c.name == "Frist" and c.severity == "error"][0]
    assert frist.ok is ok and "%02d-%02d-%d" % (due.day, due.month, due.year) in frist.message


def test_add_months_clamps_to_month_end():
    assert add_months(D(2023, 10, 31), 4) == D(2024, 2, 29)
    assert add_months(D(2023, 6, 30), 4) == D(2023, 10, 30)


def test_reverification_every_nine_years_for_water_and_energy_meters(tmp_path):
    # seed 000 ¶41: water and energy meters every 9 years (6 is for electricity meters)
    meters = ("a1,A,heat,,,,,2014-06-01,,,\nb1,B,heat,,,,,2015-01-01,,,\n"
              "w1,A,cold_water,,,,,2014-12-31,,,\nw2,B,cold_water,,,,,2017-01-01,,,\n")
    readings = year("a1", 0, 10) + year("b1", 0, 10) + year("w1", 0, 1) + year("w2", 0, 1)
    _, cs = checks(tmp_path, meters=meters, readings=readings)
    due = sorted(re.search(r"Måler (\w+)", c.message).group(1) for c in cs
                 if c.name == "Målerkontrol")
    # a1 due 01-06-2023, w1 due 31-12-2023, both <= the cut-off; b1 2024, w2 2026 not
    assert due == ["a1", "w1"]


def test_meter_without_readings_is_flagged(tmp_path):
    _, cs = checks(tmp_path, readings=year("a1", 0, 10))
    assert any(c.name == "Aflæsning" and "b1" in c.message and not c.ok for c in cs)
    doc = report.build(allocate.settle(load(make(tmp_path, "a1,A,hca,,,,,,,,\nb1,B,hca,,,,,,,,\n",
                                                 year("a1", 0, 10)))))
    assert "Alle kontroller bestået." not in doc.texts()


def test_board_report_in_danish_formats(tmp_path):
    r, _ = checks(tmp_path)
    texts = report.build(r).texts()
    joined = "\n".join(texts)
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", joined), "ISO date on the board report"
    assert not re.search(r"\d+ øre", joined), "raw øre on the board report"
    assert not re.search(r"\d\.\d{2} %", joined), "decimal point in a percentage"


def rich_property(tmp_path):
    """A move with a move reading, a vacancy, a reduction, rooms, upper-case meter ids."""
    apts = "apartment,label,area_m2,fordelingstal,reduction,taps,fee_units\n" \
           "A,st. tv,100,100,0.1,4,1\nB,st. th,50,50,0,2,1\nC,1. tv,60,60,0,1,1\n"
    tenancies = MOVE + "TC,C,Dorthe,2023-04-01,,1200\n"
    meters = ("HCA-A1,A,hca,unit,1.82,1.041,0,,,,stue\nHCA-B1,B,hca,unit,1,1,0,,,,"
              "soveværelse\nHCA-C1,C,hca,unit,1,1,0,,,,stue\n")
    readings = (year("HCA-A1", 0, 1) + year("HCA-B1", 0, 80) + "HCA-B1,2023-06-30,60,reading,,\n"
                + year("HCA-C1", 0, 30))
    toml = TOML.replace("tap_share = 1.0", "tap_share = 1.0").replace(
        "hot_water_share = 0.0", "hot_water_share = 0.2")
    return allocate.settle(load(make(tmp_path, meters, readings, toml=toml, apts=apts,
                                     tenancies=tenancies,
                                     costs="pool,text,amount_dkk\nvariable,Energi,1000.00\n"
                                           "fixed,Fast,400.00\n")))


def texts(result, tid):
    st = [s for s in result.statements if s.tenancy_id == tid][0]
    return "\n".join(statement.build(result, st).texts())


def test_statement_texts_a_tenant_reads(tmp_path):
    r = rich_property(tmp_path)
    a = texts(r, "TA")
    assert "10,0 % i fordelingstallet" in a and "E+" not in a         # reduction
    assert "varmefordelingsmåler, stue" in a                           # Placering = the room
    assert "HCA-A1" in a                                               # id case kept
    from fordel.settle import danish as dk
    assert (dk.quantity(1, "enheder", 0), dk.quantity(2, "enheder", 0)) == ("1 enhed",
                                                                            "2 enheder")
    assert not re.search(r"(?<![\d,.])1 enheder", a) and "kr./enhed" in a
    assert "kr./enheder" not in a
    assert "Haneandele" in a                                           # section 6
    bo = texts(r, "TB1")
    assert "01-01-2023: 0 (aflæsning ved periodens start)" in bo
    assert "30-06-2023: 60 (flytteaflæsning)" in bo
    cai = texts(r, "TB2")
    assert "30-06-2023: 60 (flytteaflæsning)" in cai and "31-12-2023: 80" in cai
    vacancy = texts(r, "C-ledig-2023-01-01")
    assert "Ejer/udlejer" in vacancy and "som du også betaler aconto til" not in vacancy
    assert "c:" not in a                                               # no internal refs


def test_pdf_cells_do_not_overlap_and_words_are_whole(tmp_path):
    r = rich_property(tmp_path)
    docs = [statement.build(r, st) for st in r.statements] + [report.build(r)]
    for doc in docs:
        boxes = pdf_text_boxes(render_pdf.to_pdf(doc))
        assert boxes
        assert not overlapping(boxes), overlapping(boxes)[:3]
        words = {w for b in boxes for w in b[4].split()}
        for broken in ("varmefordeling", "småler", "Tilbagebetalin"):
            assert broken not in words, broken


def test_pdf_narrow_columns_wrap_instead_of_overlapping():
    from fordel.settle import render_doc as rd
    doc = rd.Doc("Bred tabel")
    doc.add(rd.Table(["Måler", "Type", "Placering", "Start", "Slut", "Forbrug", "Faktor",
                      "Grundlag", "Bemærkning"],
                     [["HCA-0001", "varmefordelingsmåler", "soveværelse", "1.234.567",
                       "1.239.999", "5.432", "1,820", "1.041,093 enheder",
                       "Tilbagebetaling efter målerudskiftning"]], align="lllrrrrrl",
                     widths=[1.7, 1.7, 1.5, 1.3, 1.3, 1.3, 1, 1.6, 2.2]))
    boxes = pdf_text_boxes(render_pdf.to_pdf(doc))
    assert not overlapping(boxes)
    words = {w for b in boxes for w in b[4].split()}
    assert {"varmefordelingsmåler", "Tilbagebetaling"} <= words


def test_eed_month_from_readings_around_its_ends_is_interpolated_and_marked(tmp_path):
    readings = (year("a1", 0, 400) + year("b1", 0, 10) + "a1,2023-01-31,31,reading,,\n"
                "a1,2023-02-10,41,reading,,\na1,2023-03-02,71,reading,,\n")
    r = allocate.settle(load(make(tmp_path, "a1,A,hca,,,,,,,,\nb1,B,hca,,,,,,,,\n",
                                  readings)))
    a = [s for s in r.eed if s.unit_id == "A"][0]
    jan, feb = a.months[0], a.months[1]
    assert (jan.own, jan.interpolated) == (31.0, False)       # 01-01 0 -> 31-01 31
    # end of February between 10-02 (41) and 02-03 (71): 41 + 30 x 18 / 20 = 68
    assert feb.own == pytest.approx(68 - 31) and feb.interpolated
    from fordel.settle import eed
    page = "\n".join(eed.build(r, "A", [a]).texts())
    assert "37 enheder*" in page and "interpolation" in page
    assert render is not None and METERS_HEAD


def _daily(mid, first, last, start_value=0, skip=()):
    """A reading a day from `first` to `last` (one unit a day), except on the days `skip`."""
    out, d = [], first
    while d <= last:
        if d not in skip:
            out.append("%s,%s,%d,reading,,\n" % (mid, d, start_value + (d - first).days))
        d += datetime.timedelta(days=1)
    return "".join(out)


def test_gap_in_a_daily_read_meter_is_named_not_in_a_yearly_read_one(tmp_path):
    """A meter read every day (a collector) that has no reading for more than 2 days is
    named with the days (the collector was off, the meter not heard); a meter read only at
    the period's ends (a manual reading) has no gap to name."""
    missing = {D(2023, 3, 1) + datetime.timedelta(days=k) for k in range(4)}   # 01..04-03
    readings = _daily("a1", D(2023, 1, 1), D(2023, 12, 31), skip=missing) + year("b1", 0, 10)
    _, cs = checks(tmp_path, readings=readings)
    gaps = [c.message for c in cs if c.name == "Aflæsning" and "ingen aflæsning fra" in c.message]
    # last reading 28-02, next 05-03: 5 days apart
    assert gaps == ["Måler a1 (A): ingen aflæsning fra 28-02-2023 til 05-03-2023 (5 dage)"]


def test_replacement_and_partly_read_meter_are_named(tmp_path):
    """meters.csv replaced_by: a check names both meters and the days between the old one's
    last and the new one's first reading (not measured); a meter whose readings start more
    than a month into the period is extrapolated and named."""
    meters = ("a1,A,hca,,,,,,a2,,\na2,A,hca,,,,,2023-06-10,,,\nb1,B,hca,,,,,,,,\n"
              "c1,B,hca,,,,,,,,\n")
    readings = ("a1,2023-01-01,0,reading,,\na1,2023-06-05,50,reading,,\n"
                "a2,2023-06-10,0,reading,,\na2,2023-12-31,40,reading,,\n"
                + year("b1", 0, 10) + "c1,2023-04-01,0,reading,,\nc1,2023-12-31,20,reading,,\n")
    _, cs = checks(tmp_path, meters=meters, readings=readings)
    swap = [c.message for c in cs if c.name == "Måleskift"]
    assert len(swap) == 1 and "a1" in swap[0] and "a2" in swap[0]
    assert "05-06-2023" in swap[0] and "10-06-2023" in swap[0] and "(5 dage)" in swap[0]
    partly = [c.message for c in cs if c.name == "Aflæsning" and "dækker ikke" in c.message]
    assert len(partly) == 1 and partly[0].startswith("Måler c1 (B)")
