"""DES (wmbus/des.py) against published vectors, and TPL security mode 2 in link.py.

Vectors: FIPS PUB 81 (DES modes of operation), appendix B tables B1 (ECB) and C1 (CBC):
key 0123456789ABCDEF, plaintext "Now is the time for all ", CBC IV 1234567890ABCDEF.
NBS Special Publication 500-20 (validating DES), variable-plaintext and variable-key
known-answer tests, first entries."""
from wmbus import Decoder, WMBusError, des, unhex

KEY = unhex("0123456789ABCDEF")
PLAIN = b"Now is the time for all "


def test_fips81_ecb():
    got = b"".join(des.encrypt_block(KEY, PLAIN[i:i + 8]) for i in range(0, 24, 8))
    assert got == unhex("3FA40E8A984D48156A271787AB8883F9893D51EC4B563B53")
    assert des.decrypt_block(KEY, got[0:8]) == PLAIN[0:8]


def test_fips81_cbc():
    iv = unhex("1234567890ABCDEF")
    want = unhex("E5C7CDDE872BF27C43E934008C389C0F683788499A7C05F6")
    assert des.cbc_encrypt(KEY, iv, PLAIN) == want
    assert des.cbc_decrypt(KEY, iv, want) == PLAIN


def test_nbs_known_answers():
    one = unhex("0101010101010101")        # all key bits zero (parity bits set)
    assert des.encrypt_block(one, unhex("8000000000000000")) == unhex("95F8A5E5DD31D900")
    assert des.encrypt_block(unhex("8001010101010101"), bytes(8)) == unhex("95A8D72813DAA94D")


def test_parity_bits_ignored():
    a = des.encrypt_block(unhex("0101010101010101"), bytes(8))
    assert des.encrypt_block(bytes(8), bytes(8)) == a


# wmbusmeters' actislink example (drivers/src/actislink.xmq): mode 2, key 0102030405060708
ACTIS = unhex("1E468B050100000004077A01001002BBD1EAFD0222F871CB70DA16C78AE098")


def test_mode2_decrypts_with_des_key():
    got = Decoder().decode(ACTIS, key=unhex("0102030405060708"))
    assert got["meter"] == "actislink" and got["total_m3"] == 1.0     # 04 13 E8030000: 1000 l


def _error(frame, key):
    try:
        Decoder().decode(frame, key=key)
    except WMBusError as e:
        return str(e)
    return None


def test_mode2_refuses_wrong_missing_or_aes_key():
    assert "wrong key" in _error(ACTIS, unhex("0102030405060718"))
    assert "no key" in _error(ACTIS, None)
    assert "64-bit" in _error(ACTIS, bytes(16))


def test_mode2_encrypt_then_decrypt_round_trip():
    # a simulated ActisLink telegram with another volume, encrypted as the meter would
    plain = unhex("2F2F0413") + bytes((0x39, 0x30, 0, 0)) + b"\x2f" * 8      # 12345 l
    enc = des.cbc_encrypt(unhex("1122334455667788"), bytes(8), plain)
    frame = bytearray(ACTIS[:15]) + enc
    got = Decoder().decode(bytes(frame), key=unhex("1122334455667788"))
    assert got["total_m3"] == 12.345
