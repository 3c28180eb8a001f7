"""`cryptolib.aes` for CPython: the same constructor and encrypt/decrypt(src, dst) as
MicroPython's, on OpenSSL through the `cryptography` package. aes.py imports it only where
there is no cryptolib, so the collector never loads it (nor its names)."""
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes


class aes:  # noqa: N801 - named as MicroPython's cryptolib.aes
    def __init__(self, key, mode, iv=None):
        self._cipher = Cipher(algorithms.AES(bytes(key)),
                              modes.CBC(bytes(iv)) if mode == 2 else modes.ECB())

    def encrypt(self, src, dst=None):
        return self._run(self._cipher.encryptor(), src, dst)

    def decrypt(self, src, dst=None):
        return self._run(self._cipher.decryptor(), src, dst)

    @staticmethod
    def _run(ctx, src, dst):
        out = ctx.update(bytes(src)) + ctx.finalize()
        if dst is None:
            return out
        dst[:] = out
        return None
