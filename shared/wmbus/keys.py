"""Meter keys as suppliers deliver them: a CSV with meter id, key (hex) and an optional
driver, one row per meter. Used by `fordel decode --keys` and the collector tools.

The one definition of what a meter key is: 16 bytes (AES-128: OMS security modes 5 and 7,
ELL, makers' AES payloads) or 8 bytes (DES: security mode 2 of EN 13757-3:2004, e.g. the
Actaris ActisLink). The collector's coding, `fordel keys import` and `fordel decode` all
check keys with key_problem().

    meter_id,key,driver
    12345678,000102030405060708090A0B0C0D0E0F,qcaloric
"""
import binascii

from .errors import WMBusError

AES_KEY_BYTES = 16
DES_KEY_BYTES = 8
KEY_RULE = "32 hex digits (AES-128, security modes 5/7) or 16 (DES, security mode 2)"


def key_problem(hex_text):
    """None when hex_text (no separators) is a meter key, else the reason."""
    n = len(hex_text)
    if n != 2 * AES_KEY_BYTES and n != 2 * DES_KEY_BYTES:
        return "must be %s, got %d" % (KEY_RULE, n)
    for c in hex_text:
        if c not in "0123456789abcdefABCDEF":
            return "is not hex"
    return None


def meter_id_text(text):
    """A meter id as printed (8 hex digits, lower case); WMBusError if it is not one."""
    s = text.strip().lower()
    if len(s) != 8 or any(c not in "0123456789abcdef" for c in s):
        raise WMBusError("meter id %r is not 8 hex digits" % text)
    return s


def parse_key(text, where=""):
    s = text.strip().replace(" ", "")
    if not s or s.upper() == "NOKEY":
        return None
    problem = key_problem(s)
    if problem:
        raise WMBusError("%skey %s" % (where, problem))
    return binascii.unhexlify(s)


def read_keys(lines, source="keys"):
    """(keys, drivers) dicts from CSV lines; WMBusError naming source, row and reason.

    With a header row the columns are found by name (meter_id/id/meter, key, driver), so the
    collector's coding CSV (meter_id,key,apartment,room,...,driver) reads right; without one
    they are meter id, key, driver."""
    keys, drivers = {}, {}
    row = 0
    at = (0, 1, 2)
    for line in lines:
        row += 1
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        cells = [c.strip() for c in line.split(",")]
        if row == 1 and cells[0].lower() in ("meter_id", "id", "meter"):
            names = [c.lower() for c in cells]
            if "key" not in names:
                raise WMBusError("%s row 1: header has no key column" % source)
            at = (0, names.index("key"), names.index("driver") if "driver" in names else -1)
            continue
        where = "%s row %d: " % (source, row)
        if len(cells) <= at[1]:
            raise WMBusError(where + "need meter id and key")
        try:
            mid = meter_id_text(cells[at[0]])
        except WMBusError as e:
            raise WMBusError(where + e.reason)
        k = parse_key(cells[at[1]], where)
        if k is not None:
            keys[mid] = k
        if 0 <= at[2] < len(cells) and cells[at[2]]:
            drivers[mid] = cells[at[2]]
    return keys, drivers


def telegram_hex(line):
    """The hex of one input line: plain hex, or wmbusmeters' `telegram=|HEX|...` simulation
    line; None for blank lines and comments."""
    s = line.strip()
    if not s or s[0] == "#":
        return None
    i = s.find("telegram=")
    if i >= 0:
        s = s[i + 9:].strip()
        if s.startswith("|"):
            j = s.find("|", 1)
            s = s[1:j] if j > 0 else s[1:]
    return s.replace("_", "").replace(" ", "").replace("|", "")
