"""The one error type that leaves the codec, and the kinds of error it names.

Callers branch on `WMBusError.code` (one of the ints below), never on the message text:
the collector counts a wrong key apart from a CRC error, `fordel decode --analyze` says
why a telegram failed."""

MALFORMED = 1       # bytes that do not parse: too short, truncated, bad lengths or records
CRC = 2             # a checksum over plaintext failed (link layer, ELL payload CRC)
NO_KEY = 3          # encrypted, and no key for this meter
WRONG_KEY = 4       # decrypted with the meter's key and the result does not check out
UNSUPPORTED = 5     # a CI field or security mode this codec does not handle
NO_DRIVER = 6       # no driver of that name, or none for this manufacturer/type
NOT_ENCRYPTED = 7   # a meter coded with a key sent a telegram not encrypted with it
UNKNOWN_FORMAT = 8  # a compact frame whose format no full frame has shown yet

NAMES = {MALFORMED: "malformed", CRC: "crc", NO_KEY: "no_key", WRONG_KEY: "wrong_key",
         UNSUPPORTED: "unsupported", NO_DRIVER: "no_driver", NOT_ENCRYPTED: "not_encrypted",
         UNKNOWN_FORMAT: "unknown_format"}


class WMBusError(ValueError):
    """A telegram that cannot be decoded. `meter` is the printed meter id (8 hex digits) when
    the header got far enough to know it, `reason` the short cause, `code` its kind (above)."""

    def __init__(self, reason, meter=None, code=MALFORMED):
        self.reason = reason
        self.meter = meter
        self.code = code
        super().__init__("meter %s: %s" % (meter, reason) if meter else reason)

    @property
    def kind(self):
        return NAMES.get(self.code, "malformed")
