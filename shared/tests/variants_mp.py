"""Decodes a file of variant telegrams (written by test_variants_micropython.py on CPython,
one JSON object a line) and compares each with its expected values; runs inside the
micropython binary too:

    micropython shared/tests/variants_mp.py VARIANTS.jsonl

Prints per driver "passed/total" and one line per failure; exits 1 if any failed."""
import json
import sys

import vectorfile
from wmbus import Decoder, WMBusError, unhex


def check(case):
    d = Decoder()
    if case["key"]:
        d.keys["*"] = unhex(case["key"])
    try:
        if case["prior"]:
            d.decode(unhex(case["prior"]), driver=case["driver"])
        got = d.decode(unhex(case["frame"]), driver=case["driver"])
    except WMBusError as e:
        return [("error", str(e))]
    return vectorfile.differences(got, case["want"])


def main(path):
    counts, failed, n = {}, 0, 0
    with open(path) as f:
        for line in f:                  # a line at a time: the whole file is ~1 MB
            case = json.loads(line)
            n += 1
            c = counts.setdefault(case["driver"], [0, 0])
            c[1] += 1
            diffs = check(case)
            if diffs:
                failed += 1
                print("FAIL", case["driver"], case["what"], case["frame"], diffs[:3])
            else:
                c[0] += 1
    print("COUNTS", json.dumps({k: "%d/%d" % tuple(v) for k, v in counts.items()}))
    print("passed", n - failed, "failed", failed)
    return failed


if __name__ == "__main__":
    sys.exit(1 if main(sys.argv[1]) else 0)
