"""write_outputs on a small hand-built settlement: files, sums to the øre, export totals,
well-formed HTML, valid PDF, escaping, refusal of statements that do not add up."""
import csv
import datetime
import io
import json
import re
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from types import SimpleNamespace as NS

import pytest

from fordel.settle import danish as dk
from fordel.settle import render

sys.path.insert(0, str(Path(__file__).parent))
from render_checks import check_html, pdf_pages_and_text  # noqa: E402

D = datetime.date


def largest_remainder(amount_ore, bases):
    """Split amount_ore by bases; floors plus the remainder øre to the largest fractions."""
    total = sum(Fraction(b) for b in bases)
    exact = [Fraction(amount_ore) * Fraction(b) / total for b in bases]
    floors = [int(e) for e in exact]
    rest = amount_ore - sum(floors)
    order = sorted(range(len(bases)), key=lambda i: exact[i] - floors[i], reverse=True)
    for i in order[:rest]:
        floors[i] += 1
    return floors


def small_result(tenant0="Anna Hansen"):
    """3 flats, 4 pools; flat 2 changed hands on 01-01-2023 (two tenancies)."""
    start, end = D(2022, 7, 1), D(2023, 6, 30)
    days = (end - start).days + 1                                   # 365
    pools = [  # key, name, unit, amount øre, bases per tenancy (t1, t2a, t2b, t3)
        ("fixed", "Fast bidrag efter fordelingstal", "fordelingstal", 5000000,
         [Decimal("80"), Decimal("60") * 184 / 365, Decimal("60") * 181 / 365, Decimal("100")]),
        ("heat", "Forbrugsudgifter: energimålere", "kWh", 12345678,
         [Decimal("5321.5"), Decimal("2100.25"), Decimal("1999.75"), Decimal("7050")]),
        ("taps", "Haneandele (cirkulationstab mv.)", "andele", 1852634,
         [Decimal(7), Decimal(7) * 184 / 365, Decimal(7) * 181 / 365, Decimal(10)]),
        ("hotwater", "Forbrugsudgifter: varmtvandsmålere", "m³", 1852634,
         [Decimal("25.125"), Decimal("9.5"), Decimal("11.0"), Decimal("40.375")]),
    ]
    pool_objs, lines = [], [[] for _ in range(4)]
    for key, name, unit, amount, bases in pools:
        total = sum(bases)
        pool_objs.append(NS(key=key, name=name, basis_unit=unit, amount_ore=amount,
                            basis_total=total, unit_price=Decimal(amount) / 100 / total,
                            share=None))
        for i, a in enumerate(largest_remainder(amount, bases)):
            lines[i].append(NS(pool=key, basis=bases[i], amount_ore=a))
    tenancies = [("T1", "1", "1. tv", tenant0, start, end, 120000 * 12),
                 ("T2a", "2", "1. th", "Bo Berg", start, D(2022, 12, 31), 90000 * 6),
                 ("T2b", "2", "1. th", "Cai Carlsen", D(2023, 1, 1), end, 90000 * 6),
                 ("T3", "3", "2. tv", "Dorte Dam", start, end, 150000 * 12)]
    statements = []
    for i, (tid, uid, label, name, a, b, aconto) in enumerate(tenancies):
        total = sum(x.amount_ore for x in lines[i])
        statements.append(NS(
            tenancy_id=tid, unit_id=uid, unit_label=label, tenant_name=name,
            liable_from=a, liable_to=b, days=(b - a).days + 1, lines=lines[i],
            total_ore=total, aconto_ore=aconto, balance_ore=total - aconto,
            estimates=[NS(meter_id="HW-%s" % uid, pool="hotwater", reason="måler defekt",
                          method="forrige års forbrug × dage / 365", value=Decimal("9.5"),
                          unit="m³")] if tid == "T2a" else [],
            fixed_keys=[NS(name="Fordelingstal", full_year=Decimal(60 if uid == "2" else 80),
                           value=lines[i][0].basis)],
            reduction=NS(applies=uid == "3", text="gavl, 10 %", where="Givet i fordelingstallet."),
            readings=[NS(meter_id="E-%s" % uid, kind="energimåler", location="stue",
                         start=Decimal("1000"), end=Decimal("1000") + lines[i][1].basis,
                         consumption=lines[i][1].basis, factor=None, basis=lines[i][1].basis,
                         unit="kWh", note="", decimals=1)],
            comparisons=[NS(label="Varme pr. m²", own=Decimal("55.1"), average=Decimal("50"),
                            unit="kWh/m²")]))
    checks = [NS(name="40 %-reglen", ok=True, severity="error",
                 message="Forbrugsafhængig andel 82,13 % ≥ 40 %"),
              NS(name="Aflæsninger", ok=False, severity="warning",
                 message="HW-2 beregnet (måler defekt)")]
    def month(y, m, own, ly, avg):
        return NS(year=y, month=m, own=own, last_year=ly, average=avg)
    eed = [NS(unit_id="1", unit_label="1. tv", quantity="Varme", unit="kWh",
              months=[month(2023, 1, 812.0, 900.0, 700.0), month(2023, 2, 640.0, None, 610.0)]),
           NS(unit_id="1", unit_label="1. tv", quantity="Varmt vand", unit="m³",
              months=[month(2023, 1, 2.1, 2.4, 2.0)])]
    return NS(property_name="Ejerforeningen Prøvegården", address="Prøvevej 1, 8700 Horsens",
              period_start=start, period_end=end, period_days=days, issued=D(2023, 10, 2),
              utility_statement_date=D(2023, 7, 29), deadline=D(2023, 10, 31),
              pools=pool_objs, statements=statements, checks=checks,
              audit=["Puljer dannet", "Fordelt med største rest"], eed=eed)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("out")
    result = small_result()
    return result, out, render.write_outputs(result, out)


def test_output_tree(rendered):
    result, out, written = rendered
    rel = sorted(str(p.relative_to(out)) for p in written)
    assert rel == sorted(["index.html", "report.html", "report.pdf", "export.csv",
                          "export.json", "eed/1.html"] +
                         ["statements/%s.%s" % (t, e) for t in ("T1", "T2a", "T2b", "T3")
                          for e in ("html", "pdf")])
    assert not list(out.rglob("*.tmp"))
    index = (out / "index.html").read_text("utf-8")
    check_html(index)
    for href in re.findall(r'href="([^"]+)"', index):
        assert (out / href).is_file(), href


def _money_cells(text):
    return [int(m.replace(".", "").replace(",", "")) * (-1 if m.startswith("-") else 1)
            for m in re.findall(r"-?\d{1,3}(?:\.\d{3})*,\d{2}(?!\d)", text)]


def test_statements_add_up_to_the_printed_total(rendered):
    result, out, _ = rendered
    for st in result.statements:
        page = (out / "statements" / (st.tenancy_id + ".html")).read_text("utf-8")
        p = check_html(page)
        # the "3." table: the amounts in its body add up to its printed foot
        table = page.split("3. Fordeling af dine udgifter")[1].split("</table>")[0]
        body, foot = table.split("<tfoot>")
        amounts = [_money_cells(cell)[0] for cell in
                   re.findall(r'<td class="r">([^<]*)</td></tr>', body)]
        printed_total = _money_cells(foot)[-1]
        assert len(amounts) == len(st.lines)
        assert sum(amounts) == printed_total == st.total_ore
        text = " ".join(p.text)
        assert dk.kr(st.total_ore) in text and dk.kr(-st.aconto_ore) in text
        assert dk.result_word(st.balance_ore) in text
        assert dk.period(st.liable_from, st.liable_to) in text


def test_pdf_statements_are_valid_and_show_the_result(rendered):
    result, out, _ = rendered
    for st in result.statements:
        data = (out / "statements" / (st.tenancy_id + ".pdf")).read_bytes()
        pages, text = pdf_pages_and_text(data)
        assert 1 <= pages <= 4
        assert dk.kr(abs(st.balance_ore)) in text
        flat = re.sub(r"\s+", "", text)
        for line in st.lines:
            assert dk.ore(line.amount_ore) in flat
    pages, text = pdf_pages_and_text((out / "report.pdf").read_bytes())
    assert dk.ore(sum(p.amount_ore for p in result.pools)) in text


def test_partial_year_key_and_estimate_are_explained(rendered):
    result, out, _ = rendered
    text = " ".join(check_html((out / "statements" / "T2a.html").read_text("utf-8")).text)
    assert "184 / 365" in text
    assert "Du har hæftet for lejemålet 184 dage af periodens 365 dage" in text
    assert dk.number(Decimal(60) * 184 / 365, 3) in text                # 30,247
    assert "forrige års forbrug" in text and "måler defekt" in text
    text3 = " ".join(check_html((out / "statements" / "T3.html").read_text("utf-8")).text)
    assert "reduktion for udsat beliggenhed: gavl, 10 %" in text3
    assert "Dit lejemål har ingen reduktion." in text


def test_export_totals_equal_pool_totals(rendered):
    result, out, _ = rendered
    rows = list(csv.DictReader(io.StringIO((out / "export.csv").read_text("utf-8"))))
    lines = [r for r in rows if r["row_type"] == "line"]
    totals = [r for r in rows if r["row_type"] == "total"]
    for p in result.pools:
        assert sum(int(r["amount_ore"]) for r in lines if r["pool"] == p.key) == p.amount_ore
    assert sum(int(r["amount_ore"]) for r in totals) == sum(p.amount_ore for p in result.pools)
    for r in rows:
        assert Decimal(r["amount_dkk"]) * 100 == int(r["amount_ore"])
    for r in totals:
        assert int(r["amount_ore"]) - int(r["aconto_ore"]) == int(r["balance_ore"])
        assert r["result"] == ("efterbetaling" if int(r["balance_ore"]) > 0 else
                               "tilbagebetaling" if int(r["balance_ore"]) < 0 else "nul")
    j = json.loads((out / "export.json").read_text("utf-8"))
    assert j["total_ore"] == sum(p.amount_ore for p in result.pools)
    assert [r["amount_ore"] for r in j["rows"]] == [int(r["amount_ore"]) for r in rows]
    assert j["eed"][0]["months"][0] == {"month": "2023-01", "own": 812.0, "last_year": 900.0,
                                       "average": 700.0}


def test_report_and_eed_pages(rendered):
    result, out, _ = rendered
    rep = " ".join(check_html((out / "report.html").read_text("utf-8")).text)
    for p in result.pools:
        assert dk.ore(p.amount_ore) in rep and dk.unit_price(p.unit_price, p.basis_unit) in rep
    assert "40 %-reglen" in rep and "Advarsel" in rep
    eedp = " ".join(check_html((out / "eed" / "1.html").read_text("utf-8")).text)
    assert "januar 2023" in eedp and "812 kWh" in eedp and "-10 %" in eedp   # 812 vs 900


def test_user_text_is_escaped(tmp_path):
    result = small_result(tenant0='<img src=x onerror="alert(1)">&')
    render.write_outputs(result, tmp_path)
    for page in [tmp_path / "statements" / "T1.html", tmp_path / "index.html",
                 tmp_path / "report.html"]:
        p = check_html(page.read_text("utf-8"))
        assert "img" not in p.tags


def test_statement_that_does_not_add_up_is_refused_and_the_others_written(tmp_path):
    result = small_result()
    result.statements[1].lines[0].amount_ore += 1                  # one øre off
    written = render.write_outputs(result, tmp_path)
    assert [t for t, _ in written.failed] == ["T2a"]
    assert "StatementError" in written.failed[0][1] and "T2a" in written.failed[0][1]
    names = sorted(p.name for p in (tmp_path / "statements").iterdir())
    assert names == ["T1.html", "T1.pdf", "T2b.html", "T2b.pdf", "T3.html", "T3.pdf"]
    index = (tmp_path / "index.html").read_text("utf-8")
    assert "T2a blev ikke skrevet" in index and "statements/T2a" not in index
