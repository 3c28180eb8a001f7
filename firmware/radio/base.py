"""What every UART radio-module driver shares: the receive loop, the frame queue,
request/answer with timeouts, fault counters and the health state.

A driver subclass supplies the byte layout of its module (``_parse``) and its commands.
Nothing here blocks the asyncio loop: the UART is read through ``asyncio.StreamReader``
(a ``machine.UART(timeout=0)`` on the ESP32, a pty in VMIN=0 mode on the sim board).

Memory: one parse buffer, one answer buffer and a ring of ``slots`` frame slots of 256
bytes are allocated once; a received telegram is copied once, from the parse buffer into
its slot, and handed out as a memoryview of that slot.
"""
import asyncio
import time
from array import array

from micropython import const

_SLOT = const(256)          # L-field + up to 255 bytes: any wM-Bus frame without DLL CRCs
_NO_RSSI = const(-32768)

UNKNOWN = "unknown"        # not yet talked to the module
OK = "ok"
DEGRADED = "degraded"      # answers, but faults were counted recently
FAULT = "fault"            # no answer (2+ timeouts in a row) or the UART is gone

STATS = ("frames", "telegrams", "crc_errors", "garbage_bytes", "partial_drops", "timeouts",
         "unexpected", "overruns", "module_resets", "reconfigs", "refused", "uart_errors")

LINK_MODES = ("S1", "T1", "C1", "C1T1")


class RadioError(Exception):
    """A module fault the caller should know about; the message names module and reason."""


class Frame:
    """One received wM-Bus frame.

    data      memoryview: L-field first, DLL CRCs removed (as EN 13757-4 frame format A
              after CRC removal); valid until the next ``next_frame()`` call
    rssi_dbm  int, or None if the module sent no RSSI
    ts        module timestamp (iM871A trailer, module ticks) or None
    ticks     time.ticks_ms() when the frame was complete in the driver
    """

    def __init__(self):
        self.data = None
        self.rssi_dbm = None
        self.ts = None
        self.ticks = 0


class Radio:
    MODULE = ""
    BAUD = 0
    GAP_MS = 100        # a frame whose next byte is this late will never be finished
    ANSWER_MS = 500     # request timeout
    FULL_MS = 1000      # frame ring full this long: nobody takes frames, count them lost

    def __init__(self, stream, link_mode="C1T1", slots=8, check_ms=60000, degraded_ms=600000):
        if link_mode not in LINK_MODES:
            raise RadioError("%s: link mode %r not one of %s" % (self.MODULE, link_mode,
                                                                 "/".join(LINK_MODES)))
        self.link_mode = link_mode
        self.check_ms = check_ms
        self.degraded_ms = degraded_ms
        self.stats = dict.fromkeys(STATS, 0)
        self._stream = stream
        self._r = asyncio.StreamReader(stream)
        self._w = asyncio.StreamWriter(stream, {})
        # receive buffer: bytes _a.._b are not parsed yet
        self._buf = bytearray(640)
        self._mv = memoryview(self._buf)
        self._a = 0
        self._b = 0
        self._last_rx = time.ticks_ms()
        self._stale = False
        # frame ring
        self._slots = slots
        self._ring = bytearray(slots * _SLOT)
        self._rmv = memoryview(self._ring)
        self._rssi = array("h", [_NO_RSSI] * slots)
        self._ts = array("L", [0] * slots)
        self._hasts = bytearray(slots)
        self._tick = array("l", [0] * slots)
        self._tail = 0
        self._count = 0
        self._lent = False
        self._frame = Frame()
        self._frame_ev = asyncio.Event()
        self._space_ev = asyncio.Event()
        self._hold = False        # ring full: leave telegrams unparsed (receive loop waits)
        self._full = False
        # request / answer
        self._tx = bytearray(64)
        self._txmv = memoryview(self._tx)
        self._want = -1
        self._ans = bytearray(256)
        self._ansmv = memoryview(self._ans)
        self._ans_n = 0
        self._ans_ev = asyncio.Event()
        self._lock = asyncio.Lock()
        # health
        self._in_row = 0          # timeouts in a row
        self._last_err = None
        self._talked = False
        self._closed = False
        self._recheck = False     # something hints at a module reset: check soon
        self._heard = False       # a telegram since the last periodic check
        self._ready = False       # setup and link mode done
        self._tasks = ()

    # ---- life cycle -------------------------------------------------------------------
    async def start(self):
        """Start receiving, probe the module and set the link mode. Returns module info.
        On RadioError the tasks keep running (the watchdog keeps trying); start() may be
        called again."""
        if not self._tasks:
            self._tasks = (asyncio.create_task(self._rx_loop()),
                           asyncio.create_task(self._timer()))
        info = await self.setup()
        await self.set_link_mode(self.link_mode)
        self._ready = True
        return info

    async def stop(self):
        for t in self._tasks:
            t.cancel()
        self._tasks = ()
        await asyncio.sleep_ms(0)

    # ---- frames -----------------------------------------------------------------------
    async def next_frame(self):
        """Wait for the next telegram; returns the driver's Frame (reused each call)."""
        if self._lent:
            self._lent = False
            self._tail = (self._tail + 1) % self._slots
            self._count -= 1
            self._space_ev.set()
        while not self._count:
            self._frame_ev.clear()
            await self._frame_ev.wait()
        i = self._tail
        off = i * _SLOT
        f = self._frame
        f.data = self._rmv[off:off + 1 + self._ring[off]]
        r = self._rssi[i]
        f.rssi_dbm = None if r == _NO_RSSI else r
        f.ts = self._ts[i] if self._hasts[i] else None
        f.ticks = self._tick[i]
        self._lent = True
        return f

    def pending(self):
        """Frames received and not yet handed out."""
        return self._count - (1 if self._lent else 0)

    def _put(self, p, n, rssi_dbm, ts):
        """Queue the n wM-Bus bytes at _buf[p] (C-field first) as one frame; L = n.
        False: the ring is full and the receive loop will wait for room (keep the bytes)."""
        if self._count == self._slots:
            if self._hold:
                return False
            self.stats["telegrams"] += 1
            self._error("overruns")
            return True
        self.stats["telegrams"] += 1
        self._heard = True
        if n > _SLOT - 1:
            self._error("refused")
            return True
        i = (self._tail + self._count) % self._slots
        off = i * _SLOT
        self._ring[off] = n
        self._ring[off + 1:off + 1 + n] = self._mv[p:p + n]
        self._rssi[i] = _NO_RSSI if rssi_dbm is None else rssi_dbm
        self._hasts[i] = ts is not None
        self._ts[i] = ts or 0
        self._tick[i] = time.ticks_ms()
        self._count += 1
        self._frame_ev.set()
        return True

    # ---- receive loop -----------------------------------------------------------------
    async def _rx_loop(self):
        self._hold = True
        idle = 0
        while True:
            if len(self._buf) - self._b < 64:
                self._compact()
            try:
                n = await self._r.readinto(self._mv[self._b:])
            except OSError:
                self._closed = True
                self._error("uart_errors")
                self._ans_ev.set()
                return
            if n is None:               # machine.UART: nothing there after all
                await asyncio.sleep_ms(10)
                continue
            if not n:
                # a file at its end: the pty's other side hung up (sim board)
                idle += 1
                if idle > 50:
                    self._closed = True
                    self._error("uart_errors")
                    return
                await asyncio.sleep_ms(self.GAP_MS)
                continue
            idle = 0
            self._last_rx = time.ticks_ms()
            if self._stale:
                # the frame begun before the line went quiet was never finished
                self._stale = False
                self._error("partial_drops")
                self._garbage(1)
                self._a += 1
            self._b += n
            self._parsed()
            if self._count == self._slots and self._b > self._a:
                await self._wait_for_room()

    async def _wait_for_room(self):
        """Back-pressure: the ring is full and telegrams wait in the parse buffer (and the
        UART's own buffer). Wait for the app to take frames; after FULL_MS, or at once if a
        request waits for its answer behind them, drop them (counted as overruns)."""
        self._full = True
        t0 = time.ticks_ms()
        while self._count == self._slots and self._b > self._a:
            self._space_ev.clear()
            try:
                await asyncio.wait_for_ms(self._space_ev.wait(), 50)
            except asyncio.TimeoutError:
                if self._want != -1 or time.ticks_diff(time.ticks_ms(), t0) >= self.FULL_MS:
                    self._hold = False
                    self._parsed()
                    self._hold = True
                    break
            self._parsed()
        self._full = False
        self._last_rx = time.ticks_ms()

    def _parsed(self):
        self._a = self._parse(self._a, self._b)
        if self._a == self._b:
            self._a = self._b = 0

    def feed(self, data):
        """Append received bytes to the parse buffer and parse what is complete (the receive
        loop's path; also for tests, benchmarks and replays)."""
        mv = memoryview(data)
        i = 0
        while i < len(mv):
            if len(self._buf) - self._b < 64:
                self._compact()
            k = min(len(mv) - i, len(self._buf) - self._b)
            self._mv[self._b:self._b + k] = mv[i:i + k]
            self._b += k
            i += k
            self._parsed()

    def _compact(self):
        a, b = self._a, self._b
        if a:
            self._mv[0:b - a] = self._mv[a:b]
            self._a, self._b = 0, b - a
        else:
            # a full buffer that is still no frame: it never will be
            self._garbage(1)
            self._a = self._parse(1, b)

    def _garbage(self, n):
        if n:
            self._error("garbage_bytes", n)

    async def _timer(self):
        now = time.ticks_ms()
        due = time.ticks_add(now, self.check_ms)
        while True:
            before = now
            await asyncio.sleep_ms(self.GAP_MS)
            now = time.ticks_ms()
            # a partial frame and a quiet line for GAP_MS: the rest is not coming (module
            # reset, lost bytes, false start); the receive loop drops it when bytes come.
            # Not judged if this task woke late: the loop was busy, bytes may be waiting.
            if self._b > self._a and not self._full and \
                    time.ticks_diff(now, self._last_rx) >= self.GAP_MS and \
                    time.ticks_diff(now, before) < 2 * self.GAP_MS:
                self._stale = True
            if self._recheck or time.ticks_diff(now, due) >= 0:
                self._recheck = False
                due = time.ticks_add(now, self.check_ms)
                try:
                    if self._ready:
                        await self.check()
                    else:                   # the module was missing at start: try again
                        await self.start()
                except RadioError:
                    pass
                self._heard = False

    # ---- requests ---------------------------------------------------------------------
    async def _request(self, n, key, what):
        """Send _tx[:n], wait for the answer `key`; returns its payload as a memoryview."""
        async with self._lock:
            if self._closed:
                raise RadioError("%s: UART closed, cannot %s" % (self.MODULE, what))
            self._want = key
            self._ans_ev.clear()
            self._w.write(self._txmv[:n])
            await self._w.drain()
            try:
                await asyncio.wait_for_ms(self._ans_ev.wait(), self.ANSWER_MS)
            except asyncio.TimeoutError:
                pass
            if self._want == key:   # not answered
                self._want = -1
                self._in_row += 1
                self._error("timeouts")
                raise RadioError("%s: no answer to %s within %d ms" % (self.MODULE, what,
                                                                       self.ANSWER_MS))
            self._in_row = 0
            self._talked = True
            return self._ansmv[:self._ans_n]

    def _answer(self, key, p, n):
        """A non-telegram frame arrived with payload _buf[p:p+n]."""
        if key != self._want:
            self._error("unexpected")
            return
        n = min(n, len(self._ans))
        self._ansmv[0:n] = self._mv[p:p + n]
        self._ans_n = n
        self._want = -1
        self._ans_ev.set()

    # ---- health -----------------------------------------------------------------------
    def _error(self, kind, n=1):
        self.stats[kind] += n
        self._last_err = time.ticks_ms()

    def state(self):
        if self._closed or self._in_row >= 2:
            return FAULT
        if not self._talked:
            return UNKNOWN
        if self._last_err is not None and \
                time.ticks_diff(time.ticks_ms(), self._last_err) < self.degraded_ms:
            return DEGRADED
        return OK

    def health(self):
        """Counters and state as a dict (for the console's status and the uplink)."""
        d = dict(self.stats)
        d["module"] = self.MODULE
        d["state"] = self.state()
        d["link_mode"] = self.link_mode
        d["queued"] = self.pending()
        return d

    async def selftest(self):
        """Ping, module info and the link mode read back; never raises."""
        out = {"module": self.MODULE, "ping": await self.ping()}
        try:
            out["info"] = await self.info()
            out["link_mode"] = await self.read_link_mode()
        except RadioError as e:
            out["error"] = str(e)
        out["ok"] = out["ping"] and out.get("link_mode") in (self.link_mode, None) \
            and "error" not in out
        out["state"] = self.state()
        return out

    async def ping(self):
        try:
            await self._ping()
            return True
        except RadioError:
            return False

    # ---- to be supplied by a driver ---------------------------------------------------
    def _parse(self, a, b):      # -> index of the first byte not consumed
        raise NotImplementedError

    async def setup(self):       # probe the module, fix its settings -> info dict
        raise NotImplementedError

    async def set_link_mode(self, mode):
        raise NotImplementedError

    async def read_link_mode(self):   # what the module listens to, or None if unknowable
        raise NotImplementedError

    async def info(self):
        raise NotImplementedError

    async def check(self):       # periodic: detect a module reset and repair
        raise NotImplementedError

    async def _ping(self):
        raise NotImplementedError
