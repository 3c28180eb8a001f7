"""Every heat cost allocator and water meter case of ../shared/vectors/wmbus_public.json
decodes to its expected values (runs on CPython and on the micropython binary)."""
import vectorfile
from wmbus import Decoder, WMBusError, unhex


def decode_case(case):
    d = Decoder(merge=True)
    key = vectorfile.key_of(case)
    mid = case["expected"].get("id")
    if key is not None and mid:
        d.keys[mid] = key
    for prior in case.get("prior_telegrams") or ():
        d.decode(unhex(prior), driver=case["driver"], name=case["name"])
    return d.decode(unhex(case["telegram"]), driver=case["driver"], name=case["name"])


def test_every_hca_and_water_vector():
    failures = []
    cases = vectorfile.cases()
    assert len(cases) > 100, len(cases)
    for case in cases:
        try:
            got = decode_case(case)
        except WMBusError as e:
            failures.append("%s: %s" % (case["case_id"], e))
            continue
        diffs = vectorfile.differences(got, case["expected"])
        if diffs:
            failures.append("%s: %s" % (case["case_id"], diffs))
    print("%d of %d vectors decode as expected" % (len(cases) - len(failures), len(cases)))
    assert not failures, "\n".join(failures)
