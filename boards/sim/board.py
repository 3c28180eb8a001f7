"""Board `sim`: the collector firmware on the MicroPython unix port.

The radio module's UART is a pty (a host simulator, host/fordel/sim, or a real USB dongle
on /dev/ttyUSB*), the clock is the host clock, the LED is printed (if FORDEL_LED=1) and
the flash is a littlefs image file (boards/sim/blockdev.py).

Configuration, from the environment (or arguments):
    FORDEL_RADIO_PORT     path of the radio module's tty / pty (required to open the radio)
    FORDEL_RADIO_MODULE   "im871a" (default) or "amb8465"
    FORDEL_LED            "1" prints LED changes on stdout
    FORDEL_SIM_CLOCK      "START:SPEED[:WALL]": the wall clock starts at unix time START (or
                          read START at host time WALL) and runs SPEED times faster (a
                          simulated day in minutes); default host clock
    FORDEL_SIM_RTC        faults of the simulated clock: "settable,unset,drift=X" (below)
    FORDEL_FLASH_IMAGE    the littlefs image file (see blockdev.py)

Unix-only code (termios, os.getenv) lives here and only here: firmware/ must import on
the ESP32 (boards/tests/test_esp32_imports.py checks it).
"""
import os
import time

import termios

NAME = "sim"
RADIO_MODULE = os.getenv("FORDEL_RADIO_MODULE") or "im871a"
RADIO_BAUD = {"im871a": 57600, "amb8465": 9600}.get(RADIO_MODULE, 57600)
LED_PIN = None
FLASH_PATH = "/flash"

_VMIN = 6
_VTIME = 5
_led_on = None


def open_radio_uart(path=None, baud=None):
    """The radio UART as a stream for asyncio.StreamReader/Writer.

    The tty is put in raw mode with VMIN=0, VTIME=0, so read()/readinto() return at once
    with what is there (b"" / 0 if nothing) instead of blocking until n bytes arrive; the
    asyncio loop polls the file for readability. Same contract as machine.UART(timeout=0).
    """
    path = path or os.getenv("FORDEL_RADIO_PORT")
    if not path:
        raise OSError("sim board: no radio port; set FORDEL_RADIO_PORT to the module's tty")
    f = open(path, "r+b", buffering=0)
    fd = f.fileno()
    termios.setraw(fd)
    attr = termios.tcgetattr(fd)
    attr[6][_VMIN] = 0
    attr[6][_VTIME] = 0
    speed = getattr(termios, "B%d" % (baud or RADIO_BAUD), None)
    if speed is not None:       # a pty ignores it; a real USB dongle needs it
        attr[4] = attr[5] = speed
    termios.tcsetattr(fd, termios.TCSANOW, attr)
    return f


def led(on):
    """Status LED: printed on the sim board when FORDEL_LED=1."""
    global _led_on
    on = bool(on)
    if on != _led_on:
        _led_on = on
        if os.getenv("FORDEL_LED") == "1":
            print("LED", "on" if on else "off")


def reset_radio():
    """Hard reset of the radio module: the sim board has no reset line."""
    return False


RESTART_STATUS = 3


def restart():
    """The sim board's reset: the process ends with exit status 3 (a host that supervises it,
    like SimBoard, can start it again; the flash image keeps the store)."""
    import sys
    sys.exit(RESTART_STATUS)


def ticks_ms():
    return time.ticks_ms()


def ticks_diff(a, b):
    return time.ticks_diff(a, b)


_clock = os.getenv("FORDEL_SIM_CLOCK")
if _clock:
    _c = [float(x) for x in _clock.split(":")]
    _c_start, _c_speed = _c[0], _c[1]
    _c_t0 = time.ticks_ms()
    if len(_c) > 2:     # START was the simulated time at host time WALL: where it is now
        _c_start += (time.time() - _c[2]) * _c_speed
else:
    _c_start = None

# The simulated clock's board faults (FORDEL_SIM_RTC, comma-separated), as an ESP32 has them:
#   settable   set_time() moves the simulated clock (the ingest server answers simulated time)
#   unset      after power-up the clock reads 2000-01-01 (no RTC battery, no NTP yet)
#   drift=X    the board's clock runs X (e.g. 0.0003: 26 s a day) faster than the simulation
_rtc = (os.getenv("FORDEL_SIM_RTC") or "").split(",")
_settable = _c_start is not None and "settable" in _rtc
_drift = 0.0
for _f in _rtc:
    if _f.startswith("drift="):
        _drift = float(_f[6:])
_set_offset = 0            # set_time(): seconds added to the host or simulated clock
NET = {"wifi": "none (sim board: the host's network)", "clock": "host",
       "server_time_sets": 0, "last_time_set": None}
if _c_start is not None and "unset" in _rtc:
    _set_offset = 946684800 - int(_c_start)
    NET["clock"] = "unset"


def _clock():
    if _c_start is None:
        return time.time()
    return int(_c_start + time.ticks_diff(time.ticks_ms(), _c_t0) * _c_speed * (1 + _drift)
               / 1000)


def now():
    """Wall clock, seconds since 1970: the host clock, or the accelerated simulated clock,
    moved by set_time()."""
    return _clock() + _set_offset


def set_time(epoch, source="server"):
    """Set the board's clock to `epoch` (seconds since 1970 UTC), as esp32board.set_time
    sets the RTC: the uplink calls it with the ingest server's time. A simulated clock
    (FORDEL_SIM_CLOCK) belongs to the simulation and is left alone (returns False) unless
    it is `settable` (the server answers simulated time)."""
    global _set_offset
    if _c_start is not None and not _settable:
        return False
    _set_offset = int(epoch) - _clock()
    NET["clock"] = source
    NET["last_time_set"] = int(epoch)
    if source == "server":
        NET["server_time_sets"] += 1
    return True


def network_status():
    return dict(NET)


def mount_flash(path=FLASH_PATH):
    """Mount the record store's littlefs at `path` (image file per boards/sim/blockdev.py)."""
    import blockdev
    return blockdev.mount(path)
