"""What the esp32-* boards share: the radio UART, the status LED, the radio reset line,
the clock (NTP and the ingest server's time), Wi-Fi with reconnects, the board reset and the
record store's flash partition. Each board's board.py only names pins.

Deploy: `fordel flash --board esp32-im871a` writes the partition table (partitions.csv
here, which says what lives where), the app image and boot.py/main.py from this folder.
"""
import os
import time

import asyncio
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


# what status shows under "network": Wi-Fi and clock, counted since boot
NET = {"wifi": "off", "connects": 0, "failures": 0, "drops": 0, "retry_in_s": 0,
       "last_error": None, "ip": None, "clock": "unset", "ntp_syncs": 0, "ntp_failures": 0,
       "server_time_sets": 0, "last_time_set": None}

BACKOFF_MAX_S = 300         # Wi-Fi retries: 1, 2, 4 ... 300 s, then every 300 s
JOIN_WAIT_S = 20            # how long one join attempt may take
NTP_EVERY_S = 6 * 3600      # the RTC drifts seconds a day: resync four times a day
_CLOCK_VALID_AFTER = 1577836800      # 2020-01-01: earlier means the RTC was never set


def network_status():
    return dict(NET)


def set_time(epoch, source="server"):
    """Set the RTC to `epoch` (seconds since 1970 UTC): from NTP, or from the ingest
    server's answer when NTP is out of reach (the uplink calls this)."""
    t = time.gmtime(int(epoch) - _EPOCH_OFFSET)
    machine.RTC().datetime((t[0], t[1], t[2], t[6], t[3], t[4], t[5], 0))
    NET["clock"] = source
    NET["last_time_set"] = int(epoch)
    if source == "server":
        NET["server_time_sets"] += 1
    return True


def clock_valid():
    return now() >= _CLOCK_VALID_AFTER


def sync_ntp(host):
    """One NTP query (ntptime, blocking up to its 1 s timeout); True if the clock was set."""
    import ntptime
    ntptime.host = host
    try:
        ntptime.settime()
    except (OSError, OverflowError, IndexError) as e:
        NET["ntp_failures"] += 1
        NET["last_error"] = "ntp %s: %s" % (host, e)
        return False
    NET["ntp_syncs"] += 1
    NET["clock"] = "ntp"
    NET["last_time_set"] = int(now())
    return True


async def network_up(cfg):
    """Join cfg's Wi-Fi and stay joined: a failed join or a lost link is retried with a
    doubling back-off up to BACKOFF_MAX_S, each counted in NET; the clock is set from NTP
    on every join and every NTP_EVERY_S. Runs as an asyncio task beside the app."""
    ssid = cfg.get("wifi_ssid")
    if not ssid:
        NET["wifi"] = "not configured (wifi_ssid)"
        return
    import network
    wlan = network.WLAN(network.STA_IF)
    wlan.active(True)
    delay = 1
    synced_at = None
    while True:
        if not wlan.isconnected():
            if NET["wifi"] == "up":
                NET["drops"] += 1
            NET["wifi"] = "joining"
            if not await _join(wlan, ssid, cfg.get("wifi_password", "")):
                NET["failures"] += 1
                NET["wifi"] = "down"
                NET["retry_in_s"] = delay
                await asyncio.sleep(delay)
                delay = min(2 * delay, BACKOFF_MAX_S)
                continue
            NET["connects"] += 1
            NET["wifi"] = "up"
            NET["retry_in_s"] = 0
            NET["ip"] = wlan.ifconfig()[0]
            delay = 1
            synced_at = None
        due = synced_at is None or \
            time.ticks_diff(time.ticks_ms(), synced_at) > NTP_EVERY_S * 1000
        if due:
            if sync_ntp(cfg.get("ntp_host") or "pool.ntp.org") or synced_at is None:
                synced_at = time.ticks_ms()
        await asyncio.sleep(5)


async def _join(wlan, ssid, password):
    try:
        wlan.disconnect()
        wlan.connect(ssid, password)
    except OSError as e:
        NET["last_error"] = "wifi %s: %s" % (ssid, e)
        return False
    for _ in range(JOIN_WAIT_S):
        await asyncio.sleep(1)
        if wlan.isconnected():
            return True
    NET["last_error"] = "wifi %s: status %s" % (ssid, wlan.status())
    return False


FLASH_PATH = "/flash"        # where boot.py mounts the records partition


def ticks_ms():
    return time.ticks_ms()


def ticks_diff(a, b):
    return time.ticks_diff(a, b)


def mount_flash(path=FLASH_PATH, label="records"):
    """Mount the littlefs data partition `label` (partitions.csv) at `path`.

    A partition that was never written (all 0xFF) is formatted; one that holds something
    that does not mount is left alone and reported, so no stored reading is wiped.
    Without such a partition the store uses a directory on the root filesystem.
    """
    if path in _mounted:        # boot.py mounted it; the app asks again
        return path
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
        _mounted.append(path)
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
    _mounted.append(path)
    return path


_mounted = []
