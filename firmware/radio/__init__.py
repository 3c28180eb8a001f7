"""UART radio-module drivers, one module each, loaded on first use (keeps RAM low).

    import board
    from radio import open_radio
    radio = open_radio(board.RADIO_MODULE, board.open_radio_uart(), link_mode="C1T1")
    info = await radio.start()          # probe + set link mode; RadioError if no module
    while True:
        f = await radio.next_frame()    # f.data (L-field first), f.rssi_dbm, f.ts, f.ticks
    radio.health()                      # {"state": "ok"|"degraded"|"fault"|"unknown", counters}
    await radio.selftest()              # ping, module info, link mode read back

Every driver has the same interface (radio.base.Radio): start, stop, next_frame, pending,
ping, info, set_link_mode, read_link_mode, check, selftest, health, state, stats.
Link modes: "S1", "T1", "C1", "C1T1" (C1 and T1 at once).
"""
from radio.base import LINK_MODES, RadioError  # noqa: F401

DRIVERS = {"im871a": ("radio.im871a", "Im871a"), "amb8465": ("radio.amb8465", "Amb8465")}


def driver(name):
    """The driver class for a module name ("im871a", "amb8465")."""
    try:
        mod, cls = DRIVERS[name]
    except KeyError:
        raise RadioError("radio module %r unknown; known: %s" % (name, ", ".join(DRIVERS)))
    return getattr(__import__(mod, None, None, (cls,)), cls)


def open_radio(name, stream, **options):
    """A driver for module `name` on the UART stream (not started yet)."""
    return driver(name)(stream, **options)
