"""What the esp32-* boards share: the radio UART, the status LED, the radio reset line,
the clock, the board reset and the record store's flash partition. Each board's board.py only names pins.

Deploy: copy this file and the board's board.py to the device root, beside firmware/.
"""
import os
import time

import esp32
import machine
import vfs

# time.time() counts from 2000 on ports with the old epoch
_EPOCH_OFFSET = 946684800 if time.gmtime(0)[0] == 2000 else 0


def open_uart(uart_id, baud, tx, rx, rxbuf=2048):
    """The radio UART, non-blocking (timeout=0) so asyncio.StreamReader can poll it.
    rxbuf holds ~350 ms of bytes at 57600 baud while the loop is busy elsewhere."""
    return machine.UART(uart_id, baudrate=baud, bits=8, parity=None, stop=1, tx=tx, rx=rx,
                        rxbuf=rxbuf, timeout=0, timeout_char=0)


class Led:
    def __init__(self, pin, active_high=True):
        self._pin = machine.Pin(pin, machine.Pin.OUT)
        self._hi = active_high
        self(False)

    def __call__(self, on):
        self._pin.value(1 if bool(on) == self._hi else 0)


def pulse_reset(pin, low_ms=10, settle_ms=100):
    """Hold the radio module's /RESET low, release it and give the module time to boot."""
    p = machine.Pin(pin, machine.Pin.OUT, value=1)
    p.value(0)
    time.sleep_ms(low_ms)
    p.value(1)
    time.sleep_ms(settle_ms)
    return True


def restart():
    """Reset the board (after the app stopped on an error): the store survives a reset and
    the collector is back collecting within seconds."""
    machine.reset()


def now():
    """Wall clock, seconds since 1970 (set by NTP or the uplink's server time)."""
    return time.time() + _EPOCH_OFFSET


def set_time(epoch):
    """Set the RTC from unix seconds (the uplink calls it with the server's time)."""
    t = time.gmtime(int(epoch) - _EPOCH_OFFSET)
    machine.RTC().datetime((t[0], t[1], t[2], t[6], t[3], t[4], t[5], 0))
    return True


def mount_flash(path, label="records"):
    """Mount the littlefs data partition `label` (partitions.csv) at `path`.

    A partition that was never written (all 0xFF) is formatted; one that holds something
    that does not mount is left alone and reported, so no stored reading is wiped.
    Without such a partition the store uses a directory on the root filesystem.
    """
    parts = esp32.Partition.find(esp32.Partition.TYPE_DATA, label=label)
    if not parts:
        try:
            os.mkdir(path)
        except OSError:
            pass                       # exists
        return path
    part = parts[0]
    try:
        vfs.mount(vfs.VfsLfs2(part), path)
        return path
    except OSError as e:
        err = e
    block = bytearray(part.ioctl(5, 0) or 4096)      # 5: block size
    part.readblocks(0, block)
    if min(block) != 0xFF:
        raise OSError("flash: partition %r at %s does not mount (%s) and is not empty; "
                      "not formatting it" % (label, path, err))
    vfs.VfsLfs2.mkfs(part)
    vfs.mount(vfs.VfsLfs2(part), path)
    return path
