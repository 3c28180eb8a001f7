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


# the make of each driver (docs/protocols.md, "Makes and their drivers")
MAKES = {
    "Apator": "apator08 apator162 apator172 apatoreitn apatoreitn40 apatorna1 aptmbusna "
              "op041a ultrimis ultrimisv2",
    "Actaris/Itron ActisLink": "actislink",
    "Aventies": "aventieshca aventieswm",
    "B METERS": "hydrodigit iwmtx5 rfmtx1",
    "BMeters Hydroclima": "hydroclima hydroclimav2",
    "BFW": "bfw240radio",
    "Brunata": "brunatawm",
    "Diehl/Sappel/Hydrometer": "izar izarv2 hydrus hydrus_r4 izar_rcig4 dme_07 dme173 dmehca",
    "Elster": "ev200 emerlin868",
    "Engelmann": "engelmann_faw engelmann_faw_ri waterstarm hcae2",
    "FIO": "fiowater",
    "GWF": "gwfwater",
    "Ista": "istawater",
    "Itron": "itron",
    "Joy": "joyh100",
    "Kaden/Vipa": "kaden kadenwater",
    "Kamstrup": "kamwater",
    "Lorenz/Sontex rebrands": "lse_07_17 lse_08",
    "Maddalena": "maddalena evo868",
    "Metrona": "metronahca",
    "Qundis": "qcaloric qwater qwaterv2",
    "Axioma": "q400",
    "Relay": "relhca",
    "Sensus": "iperl",
    "Sontex": "sontex868 supercom587",
    "Techem": "fhkvdataiii fhkvdataiv mkradio3 mkradio3a mkradio4 mkradio4a weh_07",
    "Amtron": "topaseskr",
    "Watertech": "watertech",
    "Wehrle": "werhlemodwm",
    "Ecomess/Integral": "picoflux aquastream eurisii",
    "Zenner": "minomess zenner0b uiws caltose zennerhca",
    "any other OMS meter": "oms_hca oms_water",
}
MAKE_OF = {d: m for m, ds in MAKES.items() for d in ds.split()}
# why an example is not auto-detected as the driver wmbusmeters' test names: the same
# telegrams have two drivers (wmbusmeters' two namings); detection picks the first
SAME_TELEGRAMS = {"hydroclimav2": "hydroclima (version 0x53)", "hydrus_r4": "topaseskr",
                  "izarv2": "izar", "mkradio4a": "weh_07", "qwaterv2": "qwater",
                  "ultrimisv2": "ultrimis", "zennerhca": "caltose"}


def _deviations():
    out = {}
    for c in test_new_drivers.cases():
        for k in c.get("deviations", {}):
            out.setdefault(c["driver"], set()).add(k)
    return out


DEVIATIONS = _deviations()


def status(m, r):
    if r[0] and r[1] < r[0] or r[3] and r[4] < r[3]:
        return "FAILS"
    if not r[0]:
        note = "no published telegram: variants only"
    else:
        note = "all right"
    if r[2] < r[0] and m in SAME_TELEGRAMS:
        note += "; auto-detected as " + SAME_TELEGRAMS[m]
    if m in DEVIATIONS:
        note += "; %s rendered on purpose unlike wmbusmeters (reason in " \
            "new_driver_examples.json)" % ", ".join(sorted(DEVIATIONS[m]))
    return note


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
    print("| make | driver | published examples right, driver named | auto-detected "
          "| variants right | status |")
    print("|---|---|---|---|---|---|")
    tot = [0] * 5
    for m in sorted(rows, key=lambda d: (MAKE_OF.get(d, "~"), d)):
        r = rows[m]
        tot = [a + b for a, b in zip(tot, r)]
        ex = "%d/%d" % (r[1], r[0]) if r[0] else "none published"
        au = "%d/%d" % (r[2], r[0]) if r[0] else "-"
        va = "%d/%d" % (r[4], r[3]) if r[3] else "none"
        print("| %s | %s | %s | %s | %s | %s |" % (MAKE_OF.get(m, "?"), m, ex, au, va,
                                                  status(m, r)))
    print("| **all** | | %d/%d | %d/%d | %d/%d | |" % (tot[1], tot[0], tot[2], tot[0],
                                                       tot[4], tot[3]))


if __name__ == "__main__":
    main()
