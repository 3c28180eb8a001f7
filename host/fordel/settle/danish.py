"""Danish number, money and date formatting for statements (forbrugsopgørelser).

Danish convention: decimal comma, dot as thousands separator, "1.234,56 kr.", dates
dd-mm-åååå. Money comes in as integer øre and is never passed through a float: the
printed figure is exactly the øre the engine computed. Quantities (m³, kWh, unit prices)
go through Decimal and are rounded half up only for display.
"""
import datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext

MONTHS = ("januar", "februar", "marts", "april", "maj", "juni", "juli", "august",
          "september", "oktober", "november", "december")

MINUS = "-"


def _group(digits):
    """'1234567' -> '1.234.567' (thousands separated by a dot)."""
    head = len(digits) % 3 or 3
    parts = [digits[:head]]
    parts += [digits[i:i + 3] for i in range(head, len(digits), 3)]
    return ".".join(parts)


def ore(amount_ore):
    """Integer øre -> '1.234,56' (no currency). Refuses floats: money must be exact."""
    if isinstance(amount_ore, bool) or not isinstance(amount_ore, int):
        raise TypeError("money must be integer øre, got %r" % (amount_ore,))
    sign = MINUS if amount_ore < 0 else ""
    kroner, oere = divmod(abs(amount_ore), 100)
    return "%s%s,%02d" % (sign, _group(str(kroner)), oere)


def kr(amount_ore):
    """Integer øre -> '1.234,56 kr.'"""
    return ore(amount_ore) + " kr."


def dkk_plain(amount_ore):
    """Integer øre -> '1234.56': machine-readable DKK for exports (point, no grouping)."""
    if isinstance(amount_ore, bool) or not isinstance(amount_ore, int):
        raise TypeError("money must be integer øre, got %r" % (amount_ore,))
    sign = "-" if amount_ore < 0 else ""
    kroner, oere = divmod(abs(amount_ore), 100)
    return "%s%d.%02d" % (sign, kroner, oere)


def _decimal(value):
    if isinstance(value, Decimal):
        return value
    if isinstance(value, bool):
        raise TypeError("not a number: %r" % (value,))
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # repr() gives the shortest string that round-trips: 0.1 -> '0.1'
        return Decimal(repr(value))
    if isinstance(value, str):
        return Decimal(value)
    # numpy scalars and friends
    if hasattr(value, "item"):
        return _decimal(value.item())
    raise TypeError("not a number: %r" % (value,))


def number(value, decimals=2, group=True):
    """A quantity in Danish notation, rounded half up: 231242.2 -> '231.242,200' (decimals=3)."""
    d = _decimal(value)
    if not d.is_finite():
        raise ValueError("cannot print %r" % (value,))
    q = Decimal(1).scaleb(-decimals) if decimals > 0 else Decimal(1)
    with localcontext() as ctx:
        ctx.prec = max(28, d.adjusted() + decimals + 2)     # every digit of a large figure
        d = d.quantize(q, rounding=ROUND_HALF_UP)
    sign = MINUS if d < 0 else ""
    text = format(abs(d), "f")
    whole, _, frac = text.partition(".")
    whole = _group(whole) if group else whole
    if decimals > 0:
        frac = (frac + "0" * decimals)[:decimals]
        out = whole + "," + frac
    else:
        out = whole
    if sign and set(out) <= set("0.,"):
        sign = ""                                  # no '-0,00'
    return sign + out


SINGULAR = {"enheder": "enhed", "andele": "andel", "dage": "dag", "målere": "måler",
            "aflæsninger": "aflæsning", "lejemål": "lejemål", "fordelingstal": "fordelingstal"}


def singular(unit):
    """'enheder' -> 'enhed' (units that are not plural stay as they are)."""
    return SINGULAR.get(unit, unit)


def quantity(value, unit, decimals=3):
    """'1 enhed', '2 enheder', '1,500 enheder': singular only for exactly one."""
    d = _decimal(value)
    return "%s %s" % (number(d, decimals), singular(unit) if d == 1 else unit)


def count(n, one, many):
    """'1 måler', '3 målere'."""
    return "%d %s" % (n, one if n == 1 else many)


def unit_price(value, unit, decimals=4):
    """Unit price: 38.68916 DKK per m³ -> '38,6892 kr./m³', per unit 'kr./enhed'."""
    return "%s kr./%s" % (number(value, decimals), singular(unit))


def percent(value, decimals=2):
    """A fraction -> '14,03 %' (0.1403). Use percent_points for a value already in %."""
    return number(_decimal(value) * 100, decimals) + " %"


def percent_points(value, decimals=2):
    return number(value, decimals) + " %"


def date(value):
    """date/datetime/ISO string -> 'dd-mm-åååå'."""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value[:10])
    if isinstance(value, datetime.datetime):
        value = value.date()
    if not isinstance(value, datetime.date):
        raise TypeError("not a date: %r" % (value,))
    return "%02d-%02d-%04d" % (value.day, value.month, value.year)


def period(start, end):
    """'01-07-2022 – 30-06-2023' (both days included)."""
    return "%s – %s" % (date(start), date(end))


def month(year, month_no):
    """(2023, 1) -> 'januar 2023'."""
    return "%s %d" % (MONTHS[month_no - 1], year)


def month_short(year, month_no):
    """(2023, 1) -> 'jan. 2023' (maj, juni, juli are written in full)."""
    name = MONTHS[month_no - 1]
    if len(name) > 4:
        name = name[:3] + "."
    return "%s %d" % (name, year)


def days(n):
    return "%d dag" % n if n == 1 else "%d dage" % n


def result_word(balance_ore):
    """The statement's result (punkt 1): positive balance = the tenant pays more.

    balance = total cost - aconto paid.  > 0: efterbetaling, < 0: tilbagebetaling.
    """
    if balance_ore > 0:
        return "Efterbetaling"
    if balance_ore < 0:
        return "Tilbagebetaling"
    return "Intet at betale eller modtage"
