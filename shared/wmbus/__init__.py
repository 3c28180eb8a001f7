"""wmbus: wireless M-Bus / OMS codec for MicroPython and CPython.

    from wmbus import Decoder, WMBusError
    d = Decoder(keys={"12345678": bytes.fromhex("...")})
    reading = d.decode(frame)     # dict: id, media, meter, driver fields...
"""
from .errors import WMBusError

__version__ = "0.1.0"
__all__ = ("Decoder", "WMBusError", "unhex")


def __getattr__(name):
    # Decoder is loaded when first asked for: a module that needs only a small part of the
    # codec (billing.py for the reading policy and coding) does not load all of it
    if name == "Decoder":
        from .decoder import Decoder
        globals()["Decoder"] = Decoder
        return Decoder
    # MicroPython asks here before it imports a submodule (`from . import drivers`)
    try:
        return __import__("wmbus." + name, None, None, (name,))
    except ImportError:
        raise AttributeError(name)


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
