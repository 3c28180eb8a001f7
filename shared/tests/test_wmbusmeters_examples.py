"""Every example telegram wmbusmeters publishes with a driver we have (beyond the ones in
../shared/vectors) decodes to the values wmbusmeters prints, with the driver named and
auto-detected from the header (wmbusmeters_examples.json says where each is from)."""
import json

import vectorfile
from wmbus import Decoder, WMBusError, unhex

try:
    _HERE = __file__.rsplit("/", 1)[0]
except NameError:
    _HERE = "shared/tests"

HEX = "0123456789abcdefABCDEF"


def examples():
    with open(_HERE + "/wmbusmeters_examples.json") as f:
        return json.load(f)["examples"]


def decode(case, named=True):
    d = Decoder()
    if case.get("key"):
        d.keys[case["expected"]["id"]] = bytes(
            int(case["key"][i:i + 2], 16) for i in range(0, 32, 2))
    frame = unhex("".join(ch for ch in case["telegram"] if ch in HEX))
    return d.decode(frame, driver=case["driver"] if named else None)


def _ambiguous(case):
    """True when the example's driver only renames another driver's values (izarv2 names
    izar's telegrams its own way: auto-detection gives the driver it renames), or no
    driver declares the header (the example names its driver for a version the maker's
    list does not have): detection cannot tell."""
    from wmbus import drivers, link
    t = link.Telegram()
    try:
        link.parse(t, unhex("".join(ch for ch in case["telegram"] if ch in HEX)))
    except WMBusError:
        return False
    mods = drivers.detect(t.manufacturer, t.version, t.device_type)
    want = case["expected"].get("meter", "").replace("-", "_")
    if not mods:        # no driver declares this header (the example named its driver)
        return True
    renamed = drivers.load(want).renames if want else None
    return renamed is not None and renamed.replace("-", "_") in mods


def _failures(named):
    bad = []
    for case in examples():
        if not named and _ambiguous(case):
            continue
        try:
            diffs = vectorfile.differences(decode(case, named), case["expected"])
        except WMBusError as e:
            diffs = [("error", str(e))]
        if diffs:
            bad.append((case["driver"], case["expected"].get("id"), diffs[:4]))
    return bad


def test_examples_with_driver_named():
    assert len(examples()) >= 20
    bad = _failures(True)
    assert not bad, bad


def test_examples_auto_detected():
    bad = _failures(False)
    assert not bad, bad
