# cpython-only: a report, not a test (prints the per-make table of docs/protocols.md)
"""Per driver: the published example telegrams (../shared/vectors' public heat cost
allocator and water cases, wmbusmeters_examples.json, new_driver_examples.json) that decode
to every expected value with the driver named and auto-detected, and the variants of
test_variants_micropython.py (built here, decoded on CPython) that decode right:

    .venv/bin/python shared/tests/driver_table.py

(run from the checkout; the micropython figures are test_variants_micropython.py's)."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.dirname(HERE), os.path.join(HERE, "..", "..", "host")]

import test_new_drivers  # noqa: E402
import test_vectors  # noqa: E402
import test_wmbusmeters_examples as published  # noqa: E402
import variants_mp  # noqa: E402
import vectorfile  # noqa: E402
from test_variants_micropython import all_variants  # noqa: E402
from wmbus import WMBusError, drivers  # noqa: E402
from wmbus.drivers import index  # noqa: E402


def module_of(name):
    return drivers.load(name).name.replace("-", "_")


def _examples():
    """(driver, source, check(named) -> differences)"""
    gaps = test_vectors.gaps()
    for c in vectorfile.cases():
        if c["case_id"] in gaps:
            continue

        def chk(named, c=c):
            cc = c if named else dict(c, driver=None)
            return test_vectors.check(cc)
        yield c["driver"], chk
    for c in published.examples():
        def chk(named, c=c):
            try:
                return vectorfile.differences(published.decode(c, named), c["expected"])
            except WMBusError as e:
                return [("error", str(e))]
        yield c["driver"], chk
    for c in test_new_drivers.cases():
        def chk(named, c=c):
            drv = c["driver"] if named else None
            try:
                return test_new_drivers.check(c, drv)[1]
            except WMBusError as e:
                return [("error", str(e))]
        yield c["driver"], chk


def table():
    rows = {}
    for drv, chk in _examples():
        r = rows.setdefault(module_of(drv), [0, 0, 0, 0, 0])
        r[0] += 1
        r[1] += not chk(True)
        r[2] += not chk(False)
    for case in all_variants():
        r = rows.setdefault(module_of(case["driver"]), [0, 0, 0, 0, 0])
        r[3] += 1
        r[4] += not variants_mp.check(case)
    for m in index.MODULES:
        rows.setdefault(m, [0, 0, 0, 0, 0])
    return rows


def main():
    rows = table()
    print("| driver | examples right, driver named | auto-detected | variants right |")
    print("|---|---|---|---|")
    tot = [0] * 5
    for m in sorted(rows):
        r = rows[m]
        tot = [a + b for a, b in zip(tot, r)]
        ex = "%d/%d" % (r[1], r[0]) if r[0] else "none published"
        au = "%d/%d" % (r[2], r[0]) if r[0] else "-"
        va = "%d/%d" % (r[4], r[3]) if r[3] else "none"
        print("| %s | %s | %s | %s |" % (m, ex, au, va))
    print("| **all** | %d/%d | %d/%d | %d/%d |" % (tot[1], tot[0], tot[2], tot[0],
                                                   tot[4], tot[3]))


if __name__ == "__main__":
    main()
