"""The billing-value contract: which of a driver's fields is the meter's current reading,
which its reading at the set date (the annual billing day, skæringsdato) and which that
date, with the unit of the two readings.

Every driver declares its contract (`Driver(billing=(current, set_value, set_date[,
unit]))`, else the general rule of its meter type, BILLING_DEFAULTS below); `python -m
wmbus.drivers.mkindex` lists them all in drivers/index.py as BILLING. The collector's
reading policy and coding, the readings export and the settlement read them from here:

    billing.of(values)            -> (current, set_value, set_date, unit) field names
    billing.current(values)       -> the current reading (a number) or None
    billing.set_date_value(values), billing.set_date(values)

A reading dict names its driver in "meter" (decoder output). Values without one (or of a
driver unknown here) fall back to the first general rule whose current field they hold.
A name may be None: the meter does not send that value (mkradio4a has no current reading).
"""
# The general rule of the billing-value contract (billing.py) by meter type: wmbusmeters'
# names for the standard OMS records (the HCA or volume record at storage 0 is the current
# reading; the one at storage 1, with the date record at storage 1, the set-date reading).
# (current, set-date reading, set date, unit, meter type); a driver whose maker names them
# otherwise declares its own.
BILLING_DEFAULTS = (
    ("current_consumption_hca", "consumption_at_set_date_hca", "set_date", "hca",
     "HeatCostAllocationMeter"),
    ("total_m3", "target_m3", "target_date", "m3", "WaterMeter"),
    ("total_energy_consumption_kwh", "target_energy_kwh", "target_date", "kwh", "HeatMeter"),
)

CURRENT = 0
SET_VALUE = 1
SET_DATE = 2
UNIT = 3

_cache = {}


def of_driver(name):
    """The contract a driver declares (name or alias), or None if unknown. Read from the
    driver itself (the decoder has loaded it already: no index needed on the collector)."""
    c = _cache.get(name)
    if c is None:
        from . import drivers
        try:
            c = drivers.load(name).billing
        except ValueError:          # WMBusError: no such driver
            return None
        if c is None:
            return None
        _cache[name] = c
    return c


def of(values, unit=None):
    """The contract of a decoded reading: its driver's; else (or if its unit is not `unit`)
    the first general rule whose current field the values hold; None if none fits."""
    name = values.get("meter")
    if name:
        c = of_driver(name)
        if c is not None and (unit is None or c[UNIT] == unit):
            return c
    for c in BILLING_DEFAULTS:
        if (unit is None or c[UNIT] == unit) and c[CURRENT] in values:
            return c
    return None


def value_fields(c):
    """The fields of a contract holding readings (what coding scales)."""
    return tuple(n for n in (c[CURRENT], c[SET_VALUE]) if n is not None)


def _number(values, name):
    v = values.get(name) if name is not None else None
    t = type(v)     # (not isinstance with a tuple: that tuple is built on every call)
    return v if t is int or t is float else None


def current(values, unit=None):
    """The current reading of a decoded reading (a number), or None."""
    c = of(values, unit)
    return None if c is None else _number(values, c[CURRENT])


def set_date_value(values, unit=None):
    """The reading at the set date, or None."""
    c = of(values, unit)
    return None if c is None else _number(values, c[SET_VALUE])


def set_date(values, unit=None):
    """The set date (text), or None."""
    c = of(values, unit)
    return None if c is None or c[SET_DATE] is None else values.get(c[SET_DATE])
