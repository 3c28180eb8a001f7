"""Driver registry. Adding a meter = one file in this folder + its vectors, then
`python -m wmbus.drivers.mkindex` to refresh drivers/index.py.

index.py (generated from the drivers' own DRIVER declarations, checked by a test) lists the
modules and maps detection triples and aliases to them, so a collector imports only the
drivers of the meters it hears.
"""
from ..errors import NO_DRIVER, WMBusError

_loaded = {}


def load(name):
    """The Driver object for a driver name or alias ("engelmann-faw", "whe5x"...). A name
    that is a module is imported directly; only aliases need the index (which a collector
    whose coding names its drivers then never loads)."""
    d = _loaded.get(name)
    if d is not None:
        return d
    mod = name.replace("-", "_")
    try:
        m = __import__("wmbus.drivers." + mod, None, None, ("DRIVER",))
    except ImportError:
        mod = _module_name(name)
        try:
            m = __import__("wmbus.drivers." + mod, None, None, ("DRIVER",))
        except ImportError:
            raise WMBusError("unknown driver %r" % name, None, NO_DRIVER)
    d = getattr(m, "DRIVER", None)
    if d is None:
        raise WMBusError("unknown driver %r" % name, None, NO_DRIVER)
    _loaded[name] = d
    return d


def _module_name(name):
    from . import index
    n = name.replace("-", "_")
    if n in index.MODULES:
        return n
    a = index.ALIASES.get(name)
    if a is None:
        raise WMBusError("unknown driver %r" % name, None, NO_DRIVER)
    return a


_detected = {}


def detect(manufacturer, version, device_type):
    """Module names of the drivers declaring this (manufacturer, version, type), in registry
    order; () if none. Answers are cached by an int key (no allocation per telegram)."""
    per = _detected.get(manufacturer)
    if per is None:
        per = _detected[manufacturer] = {}
    k = version << 8 | device_type
    mods = per.get(k)
    if mods is None:
        from . import index
        mods = index.DETECT.get("%s%02x%02x" % (manufacturer, version, device_type))
        if mods is None:    # a driver for every version of this manufacturer and type
            mods = index.DETECT.get("%s--%02x" % (manufacturer, device_type), ())
        if len(per) < 32:
            per[k] = mods
    return mods


HCA_TYPES = (0x08, 0x80)
WATER_TYPES = (0x06, 0x07, 0x15, 0x16, 0x17, 0x28)


def generic(device_type):
    """The generic OMS driver for a device type, or None."""
    if device_type in HCA_TYPES:
        return "oms_hca"
    if device_type in WATER_TYPES:
        return "oms_water"
    return None
