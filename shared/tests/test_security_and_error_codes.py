"""Error kinds are codes (wmbus/errors.py), not message text; a meter coded with a key must
send telegrams encrypted with it (Decoder(keyed_must_decrypt=True), what the collector
runs): a plaintext telegram for a keyed meter is refused with NOT_ENCRYPTED."""
from wmbus import Decoder, WMBusError, errors, unhex

# a Kamstrup ELL telegram (CI 8D) sent with its payload plaintext (encryption flag in the SN
# set, payload CRC over plaintext): wmbusmeters' kamwater example, ../shared/vectors
KAMSTRUP_ELL_PLAIN = unhex("2F44372C834208543C168D209E926F9820903279D4364649000062ED000034C9"
                           "000041373303110F1716077000077000")
# qcaloric example (wmbusmeters drivers/src/qcaloric.xmq): security mode 0, plaintext
QCALORIC_MODE0 = unhex("314493441234567835087A740000200B6E2701004B6E450100426C5F2CCB086E79"
                       "0000C2086C7F21326CFFFF046D200B7422")
KEY = bytes(range(16))


def _ell_encrypted(frame, key):
    """The same telegram as the meter would send it encrypted: AES-128-CTR from the payload
    CRC on, IV = M(2) A(6) CC(with bits 0x12 cleared) SN(4) FN(2)=0 BC(1)=0
    (EN 13757-4 ELL, as OMS Vol. 2 describes it)."""
    cc = frame[11]
    sn = bytes(frame[13:17])
    iv = bytes(frame[2:4]) + bytes(frame[4:10]) + bytes((cc & ~0x12 & 0xFF,)) + sn + bytes(3)
    try:        # CPython: an independent AES (the cryptography package)
        from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    except ImportError:     # MicroPython: the codec's own AES-CTR
        from wmbus import aes
        return bytes(frame[:17]) + bytes(aes.ctr_crypt(key, bytearray(iv), bytes(frame[17:])))
    enc = Cipher(algorithms.AES(key), modes.CTR(iv)).encryptor()
    return bytes(frame[:17]) + enc.update(bytes(frame[17:])) + enc.finalize()


def _error(frame, **kw):
    dec = kw.pop("decoder", None) or Decoder()
    try:
        dec.decode(frame, **kw)
    except WMBusError as e:
        return e
    raise AssertionError("decoded, WMBusError expected")


def test_kamstrup_ell_wrong_key_is_a_key_error_not_crc():
    frame = _ell_encrypted(KAMSTRUP_ELL_PLAIN, KEY)
    got = Decoder().decode(frame, key=KEY, driver="kamwater")
    assert got["total_m3"] == 60.77           # the right key: as the plaintext example says
    e = _error(frame, key=bytes(16), driver="kamwater")
    assert e.code == errors.WRONG_KEY and e.kind == "wrong_key", e
    e = _error(frame, driver="kamwater")
    assert e.code == errors.NO_KEY, e


def test_plain_ell_crc_error_is_crc():
    bad = bytearray(KAMSTRUP_ELL_PLAIN)
    bad[16] &= 0x1F                             # SN: encryption bits 29-31 = 0, plaintext
    assert Decoder().decode(bytes(bad), driver="kamwater")["total_m3"] == 60.77
    bad[-1] ^= 0x01                             # the payload CRC no longer fits
    e = _error(bytes(bad), driver="kamwater")
    assert e.code == errors.CRC, e


def test_unknown_driver_and_ci_have_their_codes():
    assert _error(QCALORIC_MODE0, driver="no-such-meter").code == errors.NO_DRIVER
    bad = bytearray(QCALORIC_MODE0)
    bad[10] = 0x55                              # a CI field no standard defines
    assert _error(bytes(bad)).code == errors.UNSUPPORTED


def test_keyed_meter_plaintext_mode0_is_refused():
    dec = Decoder(keyed_must_decrypt=True)
    e = _error(QCALORIC_MODE0, key=KEY, decoder=dec)
    assert e.code == errors.NOT_ENCRYPTED and e.meter == "78563412", e
    # the same meter coded without a key: its plaintext is its reading
    assert dec.decode(QCALORIC_MODE0)["current_consumption_hca"] == 127
    # host tools (keyed_must_decrypt False) still decode it, as wmbusmeters does
    assert Decoder().decode(QCALORIC_MODE0, key=KEY)["current_consumption_hca"] == 127


def test_keyed_meter_mode5_with_plaintext_2f2f_is_refused():
    # security mode 5 announced (CW 0x0510: 1 block), the block sent as plaintext 2F2F...
    f = bytearray(QCALORIC_MODE0[:15]) + bytes((0x10, 0x05))
    body = bytes((0x2F, 0x2F)) + bytes(QCALORIC_MODE0[17:])
    body += bytes((0x2F,)) * (-len(body) % 16)
    f += body
    f[0] = len(f) - 1
    nb = len(body) // 16
    f[15] = nb << 4
    dec = Decoder(keyed_must_decrypt=True)
    e = _error(bytes(f), key=KEY, decoder=dec)
    assert e.code == errors.NOT_ENCRYPTED, e


def test_keyed_meter_encrypted_with_its_key_is_accepted():
    case = __import__("vectorfile").cases()
    c = [c for c in case if c["case_id"] == "fhkvdataiv:Rooom"][0]
    key = bytes.fromhex(c["key"])
    dec = Decoder(keyed_must_decrypt=True)
    got = dec.decode(unhex(c["telegram"]), key=key, driver=c["driver"])
    assert got["id"] == c["expected"]["id"]

