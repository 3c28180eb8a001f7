"""AES building blocks of the codec on both interpreters: CMAC against RFC 4493's test
vectors, CTR against NIST SP 800-38A F.5.1, CBC against SP 800-38A F.2.2."""
import binascii

from wmbus import aes

H = binascii.unhexlify
KEY = H("2b7e151628aed2a6abf7158809cf4f3c")        # RFC 4493 / SP 800-38A key
MSG = H("6bc1bee22e409f96e93d7e117393172a"
        "ae2d8a571e03ac9c9eb76fac45af8e51"
        "30c81c46a35ce411e5fbc1191a0a52ef"
        "f69f2445df4f9b17ad2b417be66c3710")


def test_cmac_rfc4493_examples():
    assert aes.cmac(KEY, b"") == H("bb1d6929e95937287fa37d129b756746")
    assert aes.cmac(KEY, MSG[:16]) == H("070a16b46b4d4144f79bdd9dd04a287c")
    assert aes.cmac(KEY, MSG[:40]) == H("dfa66747de9ae63030ca32611497c827")
    assert aes.cmac(KEY, MSG) == H("51f0bebf7e3b9d92fc49741779363cfe")


def test_ctr_sp800_38a():
    iv = H("f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff")
    want = H("874d6191b620e3261bef6864990db6ce"
             "9806f66b7970fdff8617187bb9fffdff"
             "5ae4df3edbd5d35e5b4f09020db03eab"
             "1e031dda2fbe03d1792170a0f3009cee")
    assert bytes(aes.ctr_crypt(KEY, iv, MSG)) == want
    assert bytes(aes.ctr_crypt(KEY, iv, want)) == MSG
    assert bytes(aes.ctr_crypt(KEY, iv, MSG[:21])) == want[:21]   # partial last block


def test_cbc_sp800_38a():
    iv = H("000102030405060708090a0b0c0d0e0f")
    ct = H("7649abac8119b246cee98e9b12e9197d"
           "5086cb9b507219ee95db113a917678b2")
    assert bytes(aes.cbc_encrypt(KEY, iv, MSG[:32])) == ct
    assert bytes(aes.cbc_decrypt(KEY, iv, ct)) == MSG[:32]


def test_without_aes_encrypted_telegrams_say_why_plain_ones_decode():
    # an interpreter with neither cryptolib nor cryptography (MicroPython's webassembly port)
    import vectorfile
    from wmbus import Decoder, WMBusError, unhex
    enc = [c for c in vectorfile.cases() if c["case_id"] == "fhkvdataiv:Rooom"][0]
    plain = unhex("314493441234567835087A740000200B6E2701004B6E450100426C5F2CCB086E79"
                  "0000C2086C7F21326CFFFF046D200B7422")
    have = aes._aes
    aes._aes = None
    try:
        try:
            Decoder().decode(unhex(enc["telegram"]), key=unhex(enc["key"]), driver="oms-hca")
        except WMBusError as e:
            assert "cannot decrypt: no AES" in str(e), e
        else:
            raise AssertionError("decrypted without AES")
        assert Decoder().decode(plain)["current_consumption_hca"] == 127
    finally:
        aes._aes = have
    assert Decoder().decode(unhex(enc["telegram"]), key=unhex(enc["key"]),
                            driver="oms-hca")["current_consumption_hca"] is not None
