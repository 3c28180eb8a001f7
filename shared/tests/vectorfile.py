"""Find and load ../shared/vectors/wmbus_public.json (the source data beside the repo) on
CPython and MicroPython; compare a decoded dict with a case's `expected`; the wmbusmeters
examples of the drivers written here (new_driver_examples.json)."""
import json
import os

try:
    _HERE = __file__.rsplit("/", 1)[0]
except NameError:
    _HERE = "shared/tests"


def new_driver_cases():
    with open(_HERE + "/new_driver_examples.json") as f:
        return json.load(f)["cases"]


def new_driver_example(driver):
    for c in new_driver_cases():
        if c["driver"] == driver:
            return c
    raise KeyError(driver)


def _exists(p):
    try:
        os.stat(p)
        return True
    except OSError:
        return False


def path():
    cands = []
    env = os.getenv("FORDEL_SHARED_DATA")
    if env:
        cands.append(env + "/vectors/wmbus_public.json")
    cands.append(_HERE + "/../../../shared/vectors/wmbus_public.json")
    cands.append("../shared/vectors/wmbus_public.json")
    for c in cands:
        if _exists(c):
            return c
    raise OSError("wmbus_public.json not found; set FORDEL_SHARED_DATA (tried %s)" % cands)


def cases(categories=("hca", "water")):
    with open(path()) as f:
        data = json.load(f)
    return [c for c in data["cases"] if c["category"] in categories]


def key_of(case):
    import binascii
    k = case.get("key")
    return binascii.unhexlify(k) if k else None


def differences(got, expected):
    """List of (field, got, expected) for every expected field except timestamp."""
    diffs = []
    for k in expected:
        if k == "timestamp":
            continue
        e = expected[k]
        g = got.get(k, "<missing>")
        if isinstance(e, float) or (isinstance(e, int) and not isinstance(e, bool)
                                    and isinstance(g, float)):
            if isinstance(g, (int, float)) and not isinstance(g, bool):
                if abs(g - e) <= 1e-9 * max(1.0, abs(e)):
                    continue
            diffs.append((k, g, e))
        elif g != e:
            diffs.append((k, g, e))
    return diffs
