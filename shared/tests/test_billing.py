"""The billing-value contract (wmbus/billing.py): every driver names its current reading,
set-date reading and set date, and those names are what the driver's published telegrams
decode to (../shared/vectors, wmbusmeters_examples.json) -- so the reading policy, coding
and the readings export find the reading of every make, whatever the maker calls it."""
import test_vectors
import test_wmbusmeters_examples as published
from wmbus import billing, drivers
from wmbus.drivers import index


def _decoded():
    """[(driver module, decoded values)] of every published telegram that decodes."""
    out = []
    for case in test_vectors.vectorfile.cases():
        if case["case_id"] in test_vectors.gaps():
            continue
        try:
            out.append((case["driver"], test_vectors.decode_case(case)))
        except ValueError:
            pass
    for case in published.examples():
        out.append((case["driver"], published.decode(case)))
    return out


def test_every_driver_declares_a_contract_with_a_unit():
    for mod in index.MODULES:
        c = drivers.load(mod).billing
        assert c is not None and len(c) == 4, mod
        assert c[billing.UNIT] in ("hca", "m3", "kwh"), (mod, c)
        assert c[billing.CURRENT] or c[billing.SET_VALUE], mod


def test_current_reading_is_what_the_telegrams_decode_to():
    seen = {}
    for name, values in _decoded():
        c = billing.of(values)
        assert c is not None, (name, values.get("meter"))
        if c[billing.CURRENT] is None:
            continue
        mod = values["meter"]
        seen.setdefault(mod, 0)
        if billing.current(values) is not None:
            seen[mod] += 1
    # the one published lse_08 telegram carries the set-date value only (storage 8)
    never = sorted(m for m, n in seen.items() if n == 0 and m != "lse_08")
    assert not never, "drivers whose declared current reading no telegram has: %s" % never


def test_allocators_named_otherwise_reach_the_readings():
    # makers that do not call the reading current_consumption_hca
    got = {}
    for name, values in _decoded():
        v = billing.current(values)
        if v is not None:
            got.setdefault(values["meter"], v)
    for mod in ("caltose", "kaden", "relhca", "hydroclimav2", "apatoreitn", "fhkvdataiii"):
        assert mod in got, mod


def test_unit_chooses_among_general_rules():
    values = {"current_consumption_hca": 1000, "consumption_at_set_date_hca": 200,
              "total_m3": 1.5}
    assert billing.current(values, "hca") == 1000
    assert billing.current(values, "m3") == 1.5
    assert billing.value_fields(billing.of(values, "hca")) == \
        ("current_consumption_hca", "consumption_at_set_date_hca")
    # a driver's own names win over the general rule
    caltose = {"meter": "caltose", "consumption_hca": 7, "target_hca": 3,
               "target_date": "2026-01-01"}
    assert billing.current(caltose) == 7 and billing.set_date_value(caltose) == 3
    assert billing.set_date(caltose) == "2026-01-01"
    # no current reading sent (mkradio4a): None, never the set-date value
    assert billing.current({"meter": "mkradio4a", "target_m3": 16.1}) is None
