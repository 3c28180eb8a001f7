"""`fordel decode --analyze`: what a telegram is, as wmbusmeters' analyze mode tells it.

For one telegram: the link and transport header facts; whether and how it is encrypted and
why decryption fails (no key, wrong key, a security mode the codec does not handle); each
data record with its meaning by EN 13757-3 (function, storage, tariff, subunit, quantity,
value) and the field of the chosen driver that takes it, or "not used"; and which drivers
fit the header and how much of the telegram each one names.
"""
from wmbus import Decoder, WMBusError, drivers, errors, link, vif
from wmbus.drivers import index
from wmbus.drivers._unknown import taken
from wmbus.dv import C1, CODE, LEN, MTYPE, NCOMB, OFF, STORE, SUBUNIT, TARIFF, W, Records
from wmbus.media import media_name

FUNCTIONS = ("instantaneous", "maximum", "minimum", "at error")
NOT_USED = "not used by the driver"
HEADER_KEYS = ("_", "media", "meter", "name", "id", "manufacturer")


class _Taken(dict):
    """Stands in for a reading while a driver fills it: keeps (record, field) per name."""


def header(t):
    """The link/transport facts of a parsed telegram."""
    h = {"manufacturer": t.manufacturer, "id": t.id, "version": "0x%02X" % t.version,
         "device_type": "0x%02X" % t.device_type, "media": media_name(t.device_type),
         "ci_chain": " ".join("%02X" % t.ci_chain[i] for i in range(min(t.n_ci, 8))),
         "wired_mbus": t.wired}
    if t.dll_id and t.dll_id != t.id:
        h["link_layer_id"] = t.dll_id
    if t.tpl_acc >= 0:
        h.update(access_number=t.tpl_acc, tpl_status="0x%02X" % t.tpl_status,
                 configuration_word="0x%04X" % t.tpl_cw)
    h["security_mode"] = t.security
    if t.ell_sn >= 0:
        h["ell_encrypted"] = t.ell_encrypted
    if t.afl_mcr >= 0:
        h["afl_message_counter"] = t.afl_mcr
    return h


def decryption(frame, key):
    """(state, telegram or None, error or None): state is one of "plaintext", "decrypted",
    "no_key", "wrong_key", "unsupported", "malformed"."""
    t = link.Telegram()
    try:
        link.parse(t, frame, key)
    except WMBusError as e:
        kind = {errors.NO_KEY: "no_key", errors.WRONG_KEY: "wrong_key",
                errors.UNSUPPORTED: "unsupported", errors.CRC: "crc"}.get(e.code, "malformed")
        return kind, None, e
    return ("decrypted" if t.decrypted else "plaintext"), t, None


def records(t, drv):
    """One dict per data record: where, DIF/VIF bytes, meaning, value, and the field of
    `drv` that takes it ("" when the driver does not use it)."""
    rec = Records()
    if t.ci not in (0x72, 0x7A, 0x78) or not drv.records:
        return [], rec
    rec.parse_plain(t.payload, t.pos, t.end)
    taken = _Taken()
    if drv._index is None:
        drv._prepare()
    try:
        drv._fill_records(rec, taken)
    except (ValueError, TypeError, IndexError, KeyError):
        pass
    by_record = {}
    for name, item in taken.items():
        by_record.setdefault(item[0], []).append(name)
    out = []
    a = rec.a
    st = drv.status
    status_codes = () if st is None or st is True else st.codes()
    for i in range(rec.n):
        b = i * W
        code = a[b + CODE]
        r = {"offset": a[b + OFF], "length": a[b + LEN], "quantity": vif.code_name(code),
             "function": FUNCTIONS[a[b + MTYPE]], "storage": a[b + STORE],
             "tariff": a[b + TARIFF], "subunit": a[b + SUBUNIT]}
        if a[b + NCOMB]:
            r["vife"] = "0x%02X" % (a[b + C1] & 0xFF)
        if code == 0x3FF:
            r["quantity"] = "manufacturer data"
            r["value"] = rec.hexstr(i)
        elif code in (0x6C, 0x6D):
            r["value"] = rec.date(i)
        else:
            v = rec.value(i)
            r["value"] = v if v is not None else rec.hexstr(i)
        r["field"] = ", ".join(sorted(by_record.get(i, ()))) or _other_use(
            drv, a, b, code, status_codes)
        out.append(r)
    if rec.trailing:
        out.append({"offset": None, "quantity": "cut short", "value": rec.trailing,
                    "field": "not decoded"})
    return out, rec


def _other_use(drv, a, b, code, status_codes):
    """What takes a record no field names: the status, or the driver's own code."""
    if code in status_codes:
        return drv.status.field
    if drv.hook_reads and taken(drv.hook_reads, a, b):
        return "read by the driver's code"
    return NOT_USED


def fitting_drivers(frame, key, t, limit=6):
    """[(driver, records named, fields, detected)] of the drivers that fit, best first: the
    detected ones, then by how many of the telegram's data records each names. A driver
    for a maker's own payload layout is tried only on that maker's telegrams."""
    detected = drivers.detect(t.manufacturer, t.version, t.device_type)
    out = []
    for mod in index.MODULES:
        drv = drivers.load(mod)
        makers = set(m for m, _, _ in drv.detect)
        if mod not in detected and not drv.records and t.manufacturer not in makers:
            continue
        try:
            r = Decoder().decode(frame, key=key, driver=mod)
        except WMBusError:
            continue
        fields = sum(1 for k, v in r.items() if k not in HEADER_KEYS and v is not None)
        named = sum(1 for x in records(t, drv)[0] if x["field"] != NOT_USED)
        if fields:
            out.append((mod, named, fields, mod in detected))
    out.sort(key=lambda x: (not x[3], -x[1], -x[2], x[0]))
    return out[:limit]


def analyze(frame, key=None, driver=None):
    """The analysis of one telegram as a dict (see the module docstring)."""
    state, t, err = decryption(frame, key)
    report = {"decryption": state}
    if err is not None:
        report["reason"] = err.reason
        report["error_kind"] = err.kind
        hint = {"no_key": "encrypted: give the meter's key (--key or --keys)",
                "wrong_key": "the key given does not decrypt this meter's telegrams",
                "unsupported": "a CI field or security mode the codec does not handle",
                "crc": "a checksum failed before decryption: reception, not the key"}
        if state in hint:
            report["hint"] = hint[state]
        t0 = link.Telegram()
        try:                                    # the header, read without decrypting
            link.parse(t0, frame, None)
            report["header"] = header(t0)
        except WMBusError:
            if t0.id:
                report["header"] = header(t0)
        return report
    report["header"] = header(t)
    fits = fitting_drivers(frame, key, t)
    report["drivers"] = [{"driver": m, "records_named": n, "fields": f, "detected": d}
                         for m, n, f, d in fits]
    name = driver or (fits[0][0] if fits else None)
    if name is None:
        report["records"] = []
        return report
    try:
        drv = drivers.load(name)
    except WMBusError as e:
        report["driver_error"] = str(e)
        return report
    report["driver"] = drv.name
    report["records"], _ = records(t, drv)
    try:
        report["reading"] = Decoder().decode(frame, key=key, driver=name)
    except WMBusError as e:
        report["reading_error"] = {"reason": e.reason, "kind": e.kind}
    return report


def text(report):
    """The report as lines a technician reads."""
    lines = ["decryption: %s%s" % (report["decryption"],
                                   " (%s)" % report["reason"] if "reason" in report else "")]
    if "hint" in report:
        lines.append("  " + report["hint"])
    h = report.get("header", {})
    if h:
        lines.append("header: " + ", ".join("%s=%s" % kv for kv in h.items()))
    for d in report.get("drivers", ()):
        lines.append("driver %-14s names %2d records, %2d fields%s" % (
            d["driver"], d["records_named"], d["fields"], " (detected)" if d["detected"] else ""))
    if report.get("driver"):
        lines.append("records as %s reads them:" % report["driver"])
    for r in report.get("records", ()):
        where = "%4s" % r["offset"] if r["offset"] is not None else "   -"
        lines.append("  %s %-22s %-13s st=%s ta=%s su=%s %s -> %s" % (
            where, r["quantity"], r.get("function", ""), r.get("storage", ""),
            r.get("tariff", ""), r.get("subunit", ""), r["value"], r["field"]))
    return "\n".join(lines)
