"""Danish formatting of money, quantities, unit prices and dates (fordel.settle.danish)."""
import datetime
from decimal import Decimal

import pytest

from fordel.settle import danish


def test_money_from_ore():
    assert danish.kr(123456) == "1.234,56 kr."
    assert danish.kr(0) == "0,00 kr."
    assert danish.kr(5) == "0,05 kr."
    assert danish.kr(-5) == "-0,05 kr."
    assert danish.kr(-123456789) == "-1.234.567,89 kr."
    # seed 002 figures (øre) print as in the seed
    assert danish.ore(41739964) == "417.399,64"
    assert danish.ore(38411365) == "384.113,65"
    assert danish.ore(100) == "1,00"
    assert danish.ore(99999) == "999,99"
    assert danish.ore(100000) == "1.000,00"


def test_money_refuses_floats():
    with pytest.raises(TypeError):
        danish.kr(12.34)
    with pytest.raises(TypeError):
        danish.dkk_plain(Decimal("12.34"))
    with pytest.raises(TypeError):
        danish.kr(True)


def test_machine_readable_dkk():
    assert danish.dkk_plain(123456) == "1234.56"
    assert danish.dkk_plain(-7) == "-0.07"
    assert danish.dkk_plain(0) == "0.00"


def test_numbers_round_half_up_with_grouping():
    assert danish.number(231242.2, 3) == "231.242,200"
    assert danish.number(937.3, 3) == "937,300"
    assert danish.number(Decimal("0.125"), 2) == "0,13"          # half up, not banker's
    assert danish.number(Decimal("0.135"), 2) == "0,14"
    assert danish.number(2.5, 0) == "3"
    assert danish.number(1234567, 0) == "1.234.567"
    assert danish.number(-0.001, 2) == "0,00"                    # no negative zero
    assert danish.number(-1234.5, 1) == "-1.234,5"
    assert danish.number(1e-9, 4) == "0,0000"
    assert danish.number(1234.5, 1, group=False) == "1234,5"
    with pytest.raises(ValueError):
        danish.number(float("nan"))


def test_unit_prices_as_in_seed_002():
    # pool / basis, printed to 4 decimals in the association's model
    assert danish.unit_price(Decimal(16371288) / 100 / Decimal("937.3"), "fordelingstal") \
        == "174,6643 kr./fordelingstal"
    assert danish.unit_price(Decimal(1852634) / 100 / Decimal("478.85"), "m³") == "38,6892 kr./m³"
    # Techem prints 6 decimals
    assert danish.unit_price(Decimal(15390251) / 100 / Decimal("231242.2"), "kWh", 6) \
        == "0,665547 kr./kWh"
    assert danish.unit_price(12.3456, "m³") == "12,3456 kr./m³"


def test_percent():
    assert danish.percent(0.1403) == "14,03 %"
    assert danish.percent(Decimal("0.7905"), 1) == "79,1 %"
    assert danish.percent_points(55.36) == "55,36 %"


def test_dates_and_periods():
    assert danish.date(datetime.date(2023, 6, 30)) == "30-06-2023"
    assert danish.date("2022-07-01") == "01-07-2022"
    assert danish.date(datetime.datetime(2023, 1, 2, 13, 0)) == "02-01-2023"
    assert danish.period("2022-07-01", "2023-06-30") == "01-07-2022 – 30-06-2023"
    assert danish.month(2023, 1) == "januar 2023"
    assert danish.month_short(2023, 9) == "sep. 2023"
    assert danish.month_short(2023, 5) == "maj 2023"
    with pytest.raises(TypeError):
        danish.date(20230630)


def test_result_words():
    assert danish.result_word(1) == "Efterbetaling"
    assert danish.result_word(-1) == "Tilbagebetaling"
    assert danish.result_word(0).startswith("Intet")
