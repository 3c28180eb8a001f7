"""Every heat cost allocator and water meter case of ../shared/vectors/wmbus_public.json
decodes to its expected values (on CPython and on the micropython binary), except the cases
listed in vector_gaps.txt, each with its reason. The list is a ratchet: a listed case that
starts to pass, or an unlisted case that fails, fails this test, so the list only shrinks."""
import vectorfile
from wmbus import Decoder, WMBusError, errors, unhex

try:
    _HERE = __file__.rsplit("/", 1)[0]
except NameError:
    _HERE = "shared/tests"


def gaps():
    out = {}
    with open(_HERE + "/vector_gaps.txt") as f:
        for line in f:
            line = line.rstrip("\n")
            if line and not line.startswith("#"):
                case_id, _, reason = line.partition("\t")
                assert reason, "vector_gaps.txt: %s has no reason" % case_id
                out[case_id] = reason
    return out


def decode_case(case):
    d = Decoder(merge=True)
    key = vectorfile.key_of(case)
    mid = case["expected"].get("id")
    if key is not None and mid:
        d.keys[mid] = key
    for prior in case.get("prior_telegrams") or ():
        d.decode(unhex(prior), driver=case["driver"], name=case["name"])
    return d.decode(unhex(case["telegram"]), driver=case["driver"], name=case["name"])


def check(case):
    """[] if the case decodes as expected, else a list of what differs."""
    try:
        got = decode_case(case)
    except WMBusError as e:
        return [("error", str(e))]
    return vectorfile.differences(got, case["expected"])


def test_every_hca_and_water_vector():
    known = gaps()
    cases = vectorfile.cases()
    assert len(cases) > 100, len(cases)
    unexpected, fixed = [], []
    ok = 0
    for case in cases:
        diffs = check(case)
        cid = case["case_id"]
        if not diffs:
            ok += 1
            if cid in known:
                fixed.append(cid)
        elif cid not in known:
            unexpected.append("%s: %s" % (cid, diffs[:4]))
    print("%d of %d vectors decode as expected, %d listed gaps" % (ok, len(cases), len(known)))
    assert not unexpected, "new failures:\n" + "\n".join(unexpected)
    assert not fixed, "now passing, remove from vector_gaps.txt: %s" % ", ".join(fixed)
    ids = set(c["case_id"] for c in cases)
    stale = [k for k in known if k not in ids]
    assert not stale, "vector_gaps.txt names cases that do not exist: %s" % stale


def test_cases_without_key_fail_cleanly():
    """Every encrypted telegram with a published key, decoded without it: the codec refuses
    with NO_KEY naming the meter, and never returns values."""
    n = 0
    for case in vectorfile.cases():
        fr = case["frame"]
        if not case.get("key") or fr.get("encrypted_flag_but_plaintext_given"):
            continue
        if fr.get("tpl_security_mode") not in (5, 7) and not fr.get("ell_encrypted"):
            continue
        try:
            decode_case(dict(case, key=None))
        except WMBusError as e:
            assert e.code == errors.NO_KEY, (case["case_id"], e)
            assert e.meter == case["expected"]["id"], (case["case_id"], e)
            n += 1
            continue
        raise AssertionError("%s decoded without its key" % case["case_id"])
    assert n >= 5, n
