"""The billing-value contract: which of a driver's fields is the meter's current reading,
which its reading at the set date (the annual billing day, skæringsdato) and which that
date, with the unit of the two readings.

Every driver declares its contract (`Driver(billing=...)`, or the default of its meter type
below; `python -m wmbus.drivers.mkindex` lists them all in drivers/index.py as BILLING).
The collector's reading policy and coding, the readings export and the settlement read
them from here:

    billing.of(values)            -> Contract of the driver that decoded `values`
    billing.current(values)       -> the current reading (a number) or None
    billing.set_date_value(values), billing.set_date(values)

A reading dict names its driver in "meter" (decoder output). Values without one (or of a
driver unknown here) fall back to the first contract whose current field they hold.
"""

# unit of the two readings, as the field names end (drivers/vif.py UNIT)
HCA = "hca"
M3 = "m3"
KWH = "kwh"


class Contract:
    __slots__ = ("current", "set_value", "set_date", "unit")

    def __init__(self, current, set_value=None, set_date=None, unit=None):
        self.current = current          # None: the meter sends no current reading
        self.set_value = set_value
        self.set_date = set_date
        if unit is None:
            unit = (current or set_value or "").rsplit("_", 1)[-1]
        self.unit = unit

    def as_tuple(self):
        return (self.current, self.set_value, self.set_date, self.unit)

    def value_fields(self):
        """The fields holding readings (what coding scales)."""
        return tuple(n for n in (self.current, self.set_value) if n is not None)

    def __repr__(self):
        return "Contract%r" % (self.as_tuple(),)


# The general rule by meter type (wmbusmeters' names for the standard OMS records: the HCA
# or volume record at storage 0 is the current reading, the one at storage 1 with the date
# record at storage 1 the set-date reading). A driver whose maker names them otherwise
# declares its own.
DEFAULTS = {
    "HeatCostAllocationMeter": ("current_consumption_hca", "consumption_at_set_date_hca",
                                "set_date", HCA),
    "WaterMeter": ("total_m3", "target_m3", "target_date", M3),
    "HeatMeter": ("total_energy_consumption_kwh", "target_energy_kwh", "target_date", KWH),
}

# Fallback order for readings that do not name a known driver
GENERIC = (DEFAULTS["HeatCostAllocationMeter"], DEFAULTS["WaterMeter"],
           DEFAULTS["HeatMeter"])

_cache = {}


def _table():
    t = _cache.get(None)
    if t is None:
        from .drivers import index
        t = _cache[None] = getattr(index, "BILLING", {})
    return t


def of_driver(name):
    """The Contract a driver declares (name or alias), or None if unknown. Read from the
    driver itself (the decoder has loaded it already: no index needed on the collector)."""
    c = _cache.get(name)
    if c is None:
        from . import drivers
        try:
            row = drivers.load(name).billing
        except ValueError:          # WMBusError: no such driver
            row = None
        if row is None:
            return None
        c = _cache[name] = Contract(*row)
    return c


def of(values, unit=None):
    """The Contract for a decoded reading: its driver's; else (or if its unit is not `unit`)
    the first generic one whose current field the values hold; None if none fits."""
    name = values.get("meter") if hasattr(values, "get") else None
    if name:
        c = of_driver(name)
        if c is not None and (unit is None or c.unit == unit):
            return c
    for row in GENERIC:
        if (unit is None or row[3] == unit) and row[0] in values:
            c = _cache.get(row)
            if c is None:
                c = _cache[row] = Contract(*row)
            return c
    for row in _table().values():      # any driver's names (a reading without "meter")
        if (unit is None or row[3] == unit) and row[0] in values:
            return Contract(*row)
    return None


def current(values, unit=None):
    """The current reading of a decoded reading (a number), or None."""
    c = of(values, unit)
    if c is None or c.current is None:
        return None
    v = values.get(c.current)
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def set_date_value(values, unit=None):
    c = of(values, unit)
    if c is None or c.set_value is None:
        return None
    v = values.get(c.set_value)
    return v if isinstance(v, (int, float)) and not isinstance(v, bool) else None


def set_date(values, unit=None):
    c = of(values, unit)
    if c is None or c.set_date is None:
        return None
    return values.get(c.set_date)
