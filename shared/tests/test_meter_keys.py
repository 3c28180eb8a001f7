"""Meter keys: 16 bytes (AES-128) or 8 (DES, security mode 2), one rule (wmbus.keys) for
`fordel decode`, the collector's coding and `fordel keys import`; a key of the other kind
for a telegram is a WRONG_KEY error naming the meter, never a crash or a CRC error. Runs
on CPython and inside the micropython binary."""

from vectorfile import new_driver_example
from wmbus import Decoder, WMBusError, errors, unhex
from wmbus.keys import key_problem, parse_key


def test_key_lengths():
    assert key_problem("0102030405060708") is None                     # DES
    assert key_problem("000102030405060708090A0B0C0D0E0F") is None     # AES-128
    assert key_problem("01020304050607").endswith("got 14")
    assert key_problem("0102030405060708090A0B0C0D0E0F1011").endswith("got 34")
    assert key_problem("010203040506070G") == "is not hex"
    assert parse_key("01 02 03 04 05 06 07 08") == bytes(range(1, 9))


def _error(frame, key):
    try:
        Decoder().decode(frame, key=key)
    except WMBusError as e:
        return e
    raise AssertionError("decoded with the wrong kind of key")


def test_des_key_for_an_aes_telegram_is_a_wrong_key():
    # joyh100's example: security mode 5 (AES-128), decoded with an 8-byte key
    c = new_driver_example("joyh100")
    e = _error(unhex(c["telegram"]), bytes(range(1, 9)))
    assert e.code == errors.WRONG_KEY and e.meter == c["expected"]["id"]
    assert "security mode 5 needs a 128-bit AES key" in e.reason, e.reason


def test_aes_key_for_a_des_telegram_is_a_wrong_key():
    # actislink's example: security mode 2 (DES), decoded with a 16-byte key
    c = new_driver_example("actislink")
    e = _error(unhex(c["telegram"]), bytes(16))
    assert e.code == errors.WRONG_KEY and "64-bit key" in e.reason, e.reason


def test_des_key_by_meter_id():
    # the key dict as `fordel decode --keys` and the collector give it
    c = new_driver_example("actislink")
    got = Decoder(keys={"00000001": unhex(c["key"])}).decode(unhex(c["telegram"]))
    assert got["total_m3"] == 1 and got["meter"] == "actislink"
