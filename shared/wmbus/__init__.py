"""wmbus: wireless M-Bus / OMS codec for MicroPython and CPython.

    from wmbus import Decoder, WMBusError
    d = Decoder(keys={"12345678": bytes.fromhex("...")})
    reading = d.decode(frame)     # dict: id, media, meter, driver fields...
"""
from .errors import WMBusError
from .decoder import Decoder

__version__ = "0.1.0"


def unhex(text):
    """Hex text (spaces, '_' and '|' ignored) -> bytes; WMBusError if not hex."""
    import binascii
    try:
        return binascii.unhexlify(text)
    except (ValueError, TypeError):
        pass
    s = "".join(c for c in text if c not in " _|\t\r\n:")
    try:
        return binascii.unhexlify(s)
    except (ValueError, TypeError) as e:
        raise WMBusError("not a hex telegram (%s)" % (e,))
