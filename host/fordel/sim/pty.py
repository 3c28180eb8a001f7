"""A radio module behind a pty: the slave end is the "serial port" the firmware (or pyserial)
opens, the master end is the module. Shared by the iM871A and AMB8465 simulators.

A reader thread takes the host's requests off the master and hands them to the module's
`_on_bytes`; everything the module sends goes through `_send`, one whole frame per write
under a lock, so answers and telegrams never interleave. Optional `baud` paces output
like the real UART (10 bits a byte), otherwise frames go out at once.
"""
import os
import random
import select
import termios
import threading
import time
import tty


class PtyPort:
    def __init__(self, on_bytes, baud=None):
        self._on_bytes = on_bytes
        self.baud = baud
        self._master = self._slave = None
        self._wlock = threading.Lock()
        self._stop = threading.Event()
        self._thread = None
        self.path = None

    def open(self):
        self._master, self._slave = os.openpty()
        # raw on both sides: no echo (the module would read its own output back), no
        # line discipline, 8 bits clean
        tty.setraw(self._master)
        tty.setraw(self._slave)
        attr = termios.tcgetattr(self._slave)
        attr[2] = (attr[2] & ~termios.CSIZE & ~termios.PARENB & ~termios.CSTOPB) | termios.CS8
        termios.tcsetattr(self._slave, termios.TCSANOW, attr)
        self.path = os.ttyname(self._slave)
        self._thread = threading.Thread(target=self._read_loop, name="pty " + self.path,
                                        daemon=True)
        self._thread.start()
        return self.path

    def _read_loop(self):
        while not self._stop.is_set():
            try:
                ready, _, _ = select.select([self._master], [], [], 0.05)
                if not ready:
                    continue
                data = os.read(self._master, 4096)
            except OSError:
                return
            if data:
                self._on_bytes(data)

    def write(self, data):
        """Write all of `data` to the host side, paced at `baud` if set."""
        if self._master is None:
            raise OSError("radio simulator: pty is closed (start() it first)")
        with self._wlock:
            view = memoryview(bytes(data))
            while view:
                chunk = view[:64] if self.baud else view
                n = os.write(self._master, chunk)
                view = view[n:]
                if self.baud:
                    time.sleep(n * 10 / self.baud)

    def drain(self, timeout=5.0, stall=1.0):
        """Wait until the host has read what the module wrote (the bytes left in the slave's
        input queue are lost when the pty closes), at most `timeout` s, and no longer than
        `stall` s without the host reading anything."""
        import fcntl
        import struct
        if self._slave is None:
            return
        end = time.monotonic() + timeout
        last, since = None, time.monotonic()
        while time.monotonic() < end:
            try:
                n = struct.unpack("i", fcntl.ioctl(self._slave, termios.FIONREAD,
                                                   b"\0\0\0\0"))[0]
            except OSError:
                return
            if n == 0:
                return
            now = time.monotonic()
            if n != last:
                last, since = n, now
            elif now - since > stall:
                return                  # nobody is reading
            time.sleep(0.01)

    def close(self):
        self.drain()
        self._stop.set()
        if self._thread:
            self._thread.join(1)
        for fd in (self._master, self._slave):
            if fd is not None:
                try:
                    os.close(fd)
                except OSError:
                    pass
        self._master = self._slave = None


class ModuleSimulator:
    """Base of the module simulators: pty, request reassembly, fault injection, delivery."""

    MODULE = ""
    BAUD = 0

    def __init__(self, paced=False, latency_s=0.0, seed=1):
        self._lock = threading.RLock()
        self._rx = bytearray()
        self._port = PtyPort(self._on_bytes, self.BAUD if paced else None)
        self._rng = random.Random(seed)
        self._corrupt = False
        self.latency_s = latency_s
        self.responding = True       # False: the module hangs (no answers, no telegrams)
        self.requests = []           # (command, payload bytes) as the module understood them
        self.raw_requests = []       # the same, as the bytes that came over the line
        self.stats = {"requests": 0, "bad_requests": 0, "unknown_requests": 0,
                      "delivered": 0, "not_listening": 0, "resets": 0}
        self.path = None

    # ---- life cycle -------------------------------------------------------------------
    def start(self):
        """Open the pty; returns the slave path the firmware opens as its radio UART."""
        self.path = self._port.open()
        return self.path

    def close(self):
        self._port.close()

    def __enter__(self):
        if self.path is None:
            self.start()
        return self

    def __exit__(self, *exc):
        self.close()

    # ---- for tests and the meter simulator --------------------------------------------
    def deliver(self, frame, rssi_dbm=-70, mode=None, raw_rssi=None):
        """Send one received telegram to the host as the module would.

        frame: wM-Bus frame starting with its L-field, DLL CRCs removed (L = len(frame)-1).
        mode: "S1", "T1" or "C1" the meter sent in; None = whatever the module listens to.
        raw_rssi: the module's RSSI byte itself (replaying a capture), instead of rssi_dbm.
        Returns False (nothing sent) if the module does not listen to `mode` or hangs."""
        frame = bytes(frame)
        if len(frame) < 2 or frame[0] != len(frame) - 1:
            raise ValueError("%s simulator: frame must start with its L-field: L=%s but %d "
                             "bytes follow" % (self.MODULE, frame[:1].hex() or "none",
                                               max(0, len(frame) - 1)))
        with self._lock:
            if not self.responding:
                return False
            if mode is not None and mode not in self.listening():
                self.stats["not_listening"] += 1
                return False
            self._send(self._indication(frame, rssi_dbm, raw_rssi))
            self.stats["delivered"] += 1
            return True

    def inject_garbage(self, n=16, data=None):
        """Line noise: `data`, or n random bytes none of which is a frame start byte."""
        if data is None:
            data = bytes(self._rng.choice(self._noise_bytes()) for _ in range(n))
        self._port.write(data)

    def corrupt_next(self):
        """Flip one bit inside the next frame the module sends (header and trailer kept)."""
        self._corrupt = True

    def reset_module(self, partial=True):
        """Power-cycle the module: volatile settings fall back to the non-volatile ones.
        With `partial`, the module dies half way through sending a telegram first."""
        with self._lock:
            if partial:
                f = self._indication(bytes((10, 0x44, 0x2D, 0x2C, 0x78, 0x56, 0x34, 0x12,
                                            0x01, 0x07, 0x7A)), -60, None)
                self._port.write(f[:len(f) // 2])
            self.stats["resets"] += 1
            self._reset()

    # ---- internals --------------------------------------------------------------------
    def _send(self, data):
        data = bytearray(data)
        if self._corrupt:
            self._corrupt = False
            i = self._payload_offset() + (len(data) - self._payload_offset()) // 3
            data[i] ^= 0x10
        self._port.write(data)

    def _on_bytes(self, data):
        with self._lock:
            self._rx += data
            for cmd, payload, raw in self._requests():
                self.stats["requests"] += 1
                self.requests.append((cmd, bytes(payload)))
                self.raw_requests.append(raw)
                if not self.responding:
                    continue
                if self.latency_s:
                    time.sleep(self.latency_s)
                self._handle(cmd, payload)

    def _frame_start(self, sof, head):
        """Skip the request bytes before the next start-of-frame byte `sof` (each skip one
        bad request); True when `head` bytes from it are in, so its header can be read."""
        rx = self._rx
        i = rx.find(sof)
        if i < 0:
            self.stats["bad_requests"] += 1
            rx.clear()
            return False
        if i:
            self.stats["bad_requests"] += 1
            del rx[:i]
        return len(rx) >= head

    # supplied by a module
    def listening(self):
        raise NotImplementedError

    def _requests(self):
        raise NotImplementedError

    def _handle(self, cmd, payload):
        raise NotImplementedError

    def _indication(self, frame, rssi_dbm, raw_rssi):
        raise NotImplementedError

    def _reset(self):
        raise NotImplementedError

    def _noise_bytes(self):
        raise NotImplementedError

    def _payload_offset(self):
        raise NotImplementedError
