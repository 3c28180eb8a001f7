"""The "status" field comes from the driver format's `status=` option (driver.Status), on
CPython and inside the micropython binary. Expected names: the TPL status byte's bits by
EN 13757-7 table 9 (bits 0-1 application status, bit 2 power low, bit 3 permanent error,
bit 4 temporary error, 5-7 the maker's), and each maker's error-flag names as its driver
declares them (wmbusmeters' driver files: joyh100.xmq, aventieshca.xmq)."""

from vectorfile import new_driver_example
from wmbus import Decoder, unhex

try:
    _HERE = __file__.rsplit("/", 1)[0]
except NameError:
    _HERE = "shared/tests"



def _sts_offset(b):
    """The TPL status byte: L C M M A A A A V T CI, then ACC STS (short TPL header, CI 0x7A)
    or the meter's address (8 bytes) before them (long header, CI 0x72)."""
    return 12 if b[10] == 0x7A else 20


def _with_status(case, sts):
    b = bytearray(unhex(case["telegram"]))
    b[_sts_offset(b)] = sts       # not part of the mode-5 IV (M, A, access number): still decrypts
    key = unhex(case["key"]) if case["key"] else None
    return Decoder().decode(bytes(b), key=key, driver=case["driver"])


def test_joyh100_maker_names_tpl_bit_2():
    # Joy: TPL bit 2 is the radio module's battery; bit 3 keeps its EN 13757-7 meaning.
    # The example's error flags (storage 4) hold 0x02 = MEMORY_ERROR (its published status)
    c = new_driver_example("joyh100")
    assert _with_status(c, 0x00)["status"] == "MEMORY_ERROR"
    assert _with_status(c, 0x04)["status"] == "MEMORY_ERROR RADIO_MODULE_BATTERY_LOW"
    assert _with_status(c, 0x08)["status"] == "MEMORY_ERROR PERMANENT_ERROR"
    assert _with_status(c, 0x22)["status"] == "ERROR MEMORY_ERROR UNKNOWN_20"


def test_status_joins_tpl_and_error_flags():
    # brunatawm (DWZ): TPL status and error flags (VIF FD 17) without names from the maker
    c = new_driver_example("brunatawm")
    assert _with_status(c, 0x00)["status"] == "OK"
    assert _with_status(c, 0x10)["status"] == "TEMPORARY_ERROR"
    assert _with_status(c, 0x05)["status"] == "BUSY POWER_LOW"


def test_aventieshca_error_flags_field_beside_status():
    # the example's error flags record (02FD17 0000) is zero: error_flags "" as wmbusmeters
    # prints it, status "OK"; a TPL bit shows in status only (error_flags are the record's)
    c = new_driver_example("aventieshca")
    got = _with_status(c, 0x00)
    assert (got["status"], got["error_flags"]) == ("OK", "")
    got = _with_status(c, 0x04)
    assert (got["status"], got["error_flags"]) == ("POWER_LOW", "")


def test_no_driver_builds_its_own_status_text():
    # every driver declares its status through the format (status=); only a driver whose
    # status bits sit where no data record is (a maker's own bytes) writes it in its hook
    from wmbus.drivers import index
    own = ("apatoreitn", "apatoreitn40", "apatorna1", "gwfwater", "hydroclimav2", "izar",
           "izarv2", "kamwater", "zenner0b")
    bad = []
    for name in index.MODULES:
        with open(_HERE + "/../wmbus/drivers/" + name + ".py") as f:
            src = f.read()
        if ('out["status"]' in src or "tpl_status_names(" in src) and name not in own:
            bad.append(name)
    assert not bad, bad


def test_named_codes_are_the_quantity_table_codes():
    # driver.py's named codes for hooks are vif.py's codes of those quantities
    from wmbus import driver, vif
    for name, quantity in (("VIF_DATE", "Date"), ("VIF_HCA", "HeatCostAllocation"),
                           ("VIF_ACCESS_NUMBER", "AccessNumber"),
                           ("VIF_ERROR_FLAGS", "ErrorFlags"),
                           ("MFCT_VIF", "ManufacturerSpecific")):
        code = getattr(driver, name)
        assert vif.ranges(quantity) == ((code, code),), name
