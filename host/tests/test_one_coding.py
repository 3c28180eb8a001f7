"""One coding from collector to statement (issue 13): the settlement reads the same coding
columns as the collector (meterrecord.coding), a water meter's multiplier reaches the
statement, and a reading whose record factors disagree with meters.csv is refused, naming
both. Expected values are calculated here by hand."""
import json

import pytest

from fordel.settle import allocate
from fordel.settle.property import PropertyError, load

FILES = {
    "property.toml": 'name = "Kodehuset"\nperiod = "2023-01-01..2023-12-31"\n'
                     'issued = "2024-02-01"\nutility_statement_date = "2024-01-20"\n'
                     '[split]\nhot_water_share = 0.2\npipe_loss_share = 0.1\ntap_share = 0.5\n',
    "apartments.csv": "apartment,label,area_m2,fordelingstal,reduction,taps,fee_units\n"
                      "A,st. tv,100,100,0,4,1\nB,st. th,50,50,0,2,1\n",
    "meters.csv": "meter_id,apartment,kind,scale,kq,kc,reduction,multiplier,installed\n"
                  "h1,A,hca,unit,1.5,0.8,0,,2022-01-01\nh2,B,hca,unit,1,1,0,,2022-01-01\n"
                  "c1,A,cold_water,,,,,10,2022-01-01\nc2,B,cold_water,,,,,,2022-01-01\n",
    "tenancies.csv": "tenancy,apartment,tenant,move_in,move_out,aconto_dkk\n"
                     "TA,A,Anna,2020-01-01,,2000\nTB,B,Bo,2019-05-01,,900\n",
    "costs.csv": "pool,text,amount_dkk\nfixed,Fast bidrag,1000.00\nvariable,Energi,2000.00\n"
                 "cold_water,Vand,300.00\n",
}
HCA = json.dumps({"scale": "unit", "kq": 1.5, "kc": 0.8, "reduction": 0.0})
READINGS = ("meter_id,date,value,kind,source,telegram_ref,coded_value,factors\n"
            "h1,2023-01-01,0,reading,collector,c:1,0,%(h1)s\n"
            "h1,2023-12-31,100,reading,collector,c:9,120,%(h1)s\n"
            "h2,2023-01-01,0,reading,,,,\nh2,2023-12-31,80,reading,,,,\n"
            "c1,2023-01-01,1.5,reading,collector,c:2,15,%(c1)s\n"
            "c1,2023-12-31,4.5,reading,collector,c:8,45,%(c1)s\n"
            "c2,2023-01-01,10,reading,,,,\nc2,2023-12-31,40,reading,,,,\n")


def _csv_cell(text):
    return '"%s"' % text.replace('"', '""')


def folder(tmp_path, c1_factors=None, h1_factors=HCA):
    d = tmp_path / "prop"
    d.mkdir()
    for name, text in FILES.items():
        (d / name).write_text(text, encoding="utf-8")
    c1 = c1_factors or json.dumps({"multiplier": 10.0})
    (d / "readings.csv").write_text(READINGS % {"h1": _csv_cell(h1_factors),
                                                "c1": _csv_cell(c1)}, encoding="utf-8")
    return d


def test_water_multiplier_reaches_the_statement(tmp_path):
    result = allocate.settle(load(folder(tmp_path)))
    st = {s.tenancy_id: s for s in result.statements}
    c1 = [r for r in st["TA"].readings if r.meter_id == "c1"][0]
    # c1 reads 1.5 -> 4.5 in units of its register; multiplier 10: 3 x 10 = 30 m³
    assert (c1.consumption, c1.factor, c1.basis) == (3, 10, 30)
    # cold water 300.00 DKK on 30 m³ (A) and 40 - 10 = 30 m³ (B): half each
    lines = {s: {ln.pool: ln.amount_ore for ln in st[s].lines} for s in st}
    assert lines["TA"]["cold_water"] == lines["TB"]["cold_water"] == 15000


def test_reading_with_other_factors_refused_naming_both(tmp_path):
    with pytest.raises(PropertyError) as e:
        load(folder(tmp_path, c1_factors=json.dumps({"multiplier": 1.0}),
                    h1_factors=json.dumps({"scale": "unit", "kq": 1.25, "kc": 0.8,
                                           "reduction": 0.0})))
    text = str(e.value)
    assert "readings.csv row 2: meter h1" in text and "kq 1.25 in the record, 1.5 in the " \
        "coding" in text
    assert "readings.csv row 6: meter c1" in text and \
        "multiplier 1.0 in the record, 10.0 in the coding" in text


def test_kind_mismatch_refused(tmp_path):
    # an allocator's factors on a water meter: the record names what the coding does not
    with pytest.raises(PropertyError) as e:
        load(folder(tmp_path, c1_factors=HCA))
    assert "meter c1" in str(e.value) and "multiplier missing in the record" in str(e.value)


def test_bad_multiplier_refused(tmp_path):
    d = folder(tmp_path)
    text = (d / "meters.csv").read_text().replace("c2,B,cold_water,,,,,,",
                                                  "c2,B,cold_water,,,,,-2,")
    (d / "meters.csv").write_text(text)
    with pytest.raises(PropertyError) as e:
        load(d)
    assert "meters.csv row 5: multiplier -2 is not positive" in str(e.value)
