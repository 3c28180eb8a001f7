"""The collector's config.json: its fields, their defaults and the rules each value must
meet, on both interpreters. The collector checks the file with them at boot (firmware/
main.py: a bad value is replaced by its default and named in `status` as config_error, so a
typo never stops the collector) and `fordel provision` checks COLLECTOR.toml with them
before anything is written to the board.

    collector_id     name of the collector at ingest (letters, digits, . _ -; 1..32)
    link_mode        wM-Bus mode the radio module listens in: S1, T1, C1 or C1T1
    upload_url       http(s)://host[:port]/path of the ingest server; empty: no uploads
    upload_key       hex HMAC-SHA256 key shared with the ingest server (16..64 bytes)
    upload_key_id    the key's id at the ingest server (keys rotate without downtime)
    upload_every_s   seconds between upload attempts (1..86400)
    store_every_h    hours between stored readings of an unchanged meter (0.25..168)
    batch            records per upload (1..100)
    wifi_ssid        Wi-Fi network (ESP32 boards); empty: no Wi-Fi (the sim board)
    wifi_password    its passphrase
    ntp_host         time server the ESP32 sets its clock from
    ca_cert          file on the collector's flash with the ingest server's CA certificate
                     (PEM or DER); an https upload_url needs it (the certificate is checked)
    connect_timeout_s, send_timeout_s, read_timeout_s   uplink timeouts (0.1..600)
    max_backoff_s    longest wait between failed uploads (1..86400)
"""

LINK_MODES = ("S1", "T1", "C1", "C1T1")

DEFAULTS = {"collector_id": "unnamed", "link_mode": "C1T1", "upload_url": "",
            "upload_key": "", "upload_every_s": 60, "store_every_h": 24, "batch": 20,
            "wifi_ssid": "", "wifi_password": "", "ntp_host": "pool.ntp.org", "ca_cert": "",
            "upload_key_id": "1", "connect_timeout_s": 10, "send_timeout_s": 20,
            "read_timeout_s": 30, "max_backoff_s": 600}


def _number(v, lo, hi, integer=False):
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return "must be a number"
    if integer and v != int(v):
        return "must be a whole number"
    if not lo <= v <= hi:
        return "must be in %s..%s" % (lo, hi)
    return None


def _collector_id(v):
    if not isinstance(v, str) or not 1 <= len(v) <= 32:
        return "must be 1 to 32 characters"
    for c in v:
        # non-ASCII letters (Søndergade-1) too: ids travel as UTF-8 (docs/ingest.md)
        if not (c.isalpha() or c.isdigit() or c in "._-" or ord(c) > 127):
            return "may hold only letters, digits, '.', '_' and '-'"
    return None


def _url(v):
    if not isinstance(v, str):
        return "must be text"
    if not v:
        return None
    scheme, sep, rest = v.partition("://")
    if not sep or scheme not in ("http", "https"):
        return "must start with http:// or https://"
    hostport = rest.partition("/")[0]
    host, _, port = hostport.partition(":")
    if not host or " " in v:
        return "has no host"
    if port and (not port.isdigit() or not 0 < int(port) < 65536):
        return "has a bad port %r" % port
    return None


def _hex_key(v):
    if not isinstance(v, str):
        return "must be text (hex)"
    if not v:
        return None
    if len(v) % 2 or not 32 <= len(v) <= 128:
        return "must be 32 to 128 hex digits, got %d" % len(v)
    for c in v:
        if c not in "0123456789abcdefABCDEF":
            return "is not hex"
    return None


def _text(v):
    return None if isinstance(v, str) and len(v) <= 128 else "must be text (at most 128)"


RULES = {
    "collector_id": _collector_id,
    "link_mode": lambda v: None if v in LINK_MODES else "must be one of " + "/".join(LINK_MODES),
    "upload_url": _url,
    "upload_key": _hex_key,
    "upload_every_s": lambda v: _number(v, 1, 86400, True),
    "store_every_h": lambda v: _number(v, 0.25, 168),
    "batch": lambda v: _number(v, 1, 100, True),
    "wifi_ssid": _text,
    "wifi_password": _text,
    "ntp_host": _text,
    "ca_cert": _text,
    "upload_key_id": lambda v: None if isinstance(v, str) and 1 <= len(v) <= 16
    else "must be text of 1 to 16 characters",
    "connect_timeout_s": lambda v: _number(v, 0.1, 600),
    "send_timeout_s": lambda v: _number(v, 0.1, 600),
    "read_timeout_s": lambda v: _number(v, 0.1, 600),
    "max_backoff_s": lambda v: _number(v, 0.1, 86400),
}


def check(given):
    """(config, problems): every known field from `given` that meets its rule, the default
    for the others; `problems` names each refused or unknown field and why."""
    cfg = dict(DEFAULTS)
    problems = []
    for name in sorted(given):
        rule = RULES.get(name)
        if rule is None:
            problems.append("%s: unknown setting (known: %s)" % (name, ", ".join(sorted(RULES))))
            continue
        why = rule(given[name])
        if why:
            problems.append("%s %r %s; using %r" % (name, given[name], why, DEFAULTS[name]))
        else:
            cfg[name] = given[name]
    if cfg["upload_url"].startswith("https:") and not cfg["ca_cert"]:
        problems.append("upload_url is https but ca_cert is empty; not uploading")
        cfg["upload_url"] = ""
    if cfg["upload_url"] and not cfg["upload_key"]:
        problems.append("upload_url is set but upload_key is empty; not uploading")
        cfg["upload_url"] = ""
    return cfg, problems
