"""The one error type that leaves the codec."""


class WMBusError(ValueError):
    """A telegram that cannot be decoded. `meter` is the printed meter id (8 hex digits) when
    the header got far enough to know it, `reason` the short cause."""

    def __init__(self, reason, meter=None):
        self.reason = reason
        self.meter = meter
        super().__init__("meter %s: %s" % (meter, reason) if meter else reason)
