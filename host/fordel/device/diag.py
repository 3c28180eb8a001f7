"""`fordel diag`: field diagnostics over a collector's serial console.

The collector answers console commands (firmware/console.py) as JSON lines when a command is
prefixed with `json `; this module sends one command and returns the parsed answer. The
transport is pyserial's `serial_for_url`, so a USB-serial port (/dev/ttyUSB0), the sim board's
pty, or `rfc2217://host:port` all work the same way.
"""
import json
import os
import time

import click
import serial

COMMANDS = ("status", "meters", "uncoded", "selftest")


class DiagError(Exception):
    pass


class FdStream:
    """The pyserial calls ConsoleLink uses, over a raw file descriptor (the master side of
    the sim board's console pty)."""

    def __init__(self, fd, read_timeout=0.2):
        self.fd = fd
        self.read_timeout = read_timeout

    def read(self, n):
        import select
        ready, _, _ = select.select([self.fd], [], [], self.read_timeout)
        if not ready:
            return b""
        try:
            return os.read(self.fd, n)
        except OSError:  # the other side closed (process ended)
            return b""

    def write(self, data):
        return os.write(self.fd, data)

    def flush(self):
        pass

    def close(self):
        pass


class ConsoleLink:
    """One serial console. `query("status")` -> dict; `tail()` yields telegram events."""

    def __init__(self, port, baudrate=115200, timeout=5.0, stream=None):
        if stream is not None:      # an open pyserial-like stream (e.g. FdStream on a pty)
            self.ser = stream
        else:
            try:
                self.ser = serial.serial_for_url(port, baudrate=baudrate, timeout=0.2)
            except (serial.SerialException, OSError) as e:
                raise DiagError(f"cannot open console port {port}: {e}") from e
        self.port = port
        self.timeout = timeout
        self._buf = b""

    def close(self):
        self.ser.close()

    def send(self, line):
        """A line break first: bytes left on the line (a half-typed command, noise at
        power-up) end as a line of their own, whose answer is read and dropped here, so
        they cannot spoil this command."""
        self.ser.write(b"\r\n")
        self.ser.flush()
        self._drain(0.15)
        self.ser.write(line.encode() + b"\r\n")
        self.ser.flush()

    def _drain(self, seconds):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            self.ser.read(256)
        self._buf = b""

    def lines(self, deadline):
        while time.monotonic() < deadline:
            chunk = self.ser.read(256)
            if chunk:
                self._buf += chunk
            while b"\n" in self._buf:
                line, self._buf = self._buf.split(b"\n", 1)
                yield line.decode("utf-8", "replace").strip()

    def query(self, cmd):
        self.send("json " + cmd)
        repl = False
        for line in self.lines(time.monotonic() + self.timeout):
            if line.startswith(">>>") or "raw REPL" in line:
                repl = True
            if not line.startswith("{"):
                continue  # REPL echo, log lines
            try:
                obj = json.loads(line)
            except ValueError:
                continue
            if obj.get("type") == cmd:
                return obj
            if obj.get("type") == "error":
                raise DiagError(f"collector on {self.port} refused {cmd!r}: {obj.get('error')}")
        if repl or self._buf.lstrip().startswith((b">>>", b"raw REPL")):   # a bare prompt
            raise DiagError(f"the board on {self.port} is at the MicroPython REPL, its app "
                            "stopped (after mpremote or Ctrl-C): press reset, or Ctrl-D at "
                            "the REPL, to start the collector again")
        raise DiagError(f"no answer to {cmd!r} from the collector on {self.port} within "
                        f"{self.timeout:.0f} s (is the firmware running and the port right?)")

    def tail(self, seconds=None):
        self.send("json on")
        self.send("tail on")
        end = time.monotonic() + (seconds if seconds is not None else 10 ** 9)
        try:
            for line in self.lines(end):
                if line.startswith("{"):
                    try:
                        obj = json.loads(line)
                    except ValueError:
                        continue
                    if obj.get("type") == "telegram":
                        yield obj
        finally:
            self.send("tail off")
            self.send("json off")


@click.command("diag")
@click.option("--port", required=True, help="collector console: /dev/ttyUSB0, a pty, rfc2217://...")
@click.option("--baud", default=115200, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="print JSON lines instead of text")
@click.option("--seconds", type=float, default=None, help="for tail: stop after this long")
@click.argument("command", type=click.Choice(COMMANDS + ("tail",)), default="status")
def diag_cmd(port, baud, as_json, seconds, command):
    """Ask a collector for STATUS, METERS, UNCODED meters, a SELFTEST of its radio, or TAIL
    its live telegrams, over its serial console."""
    try:
        link = ConsoleLink(port, baud)
    except DiagError as e:
        raise click.ClickException(str(e))
    try:
        if command == "tail":
            from . import diag_view
            for ev in link.tail(seconds):
                click.echo(json.dumps(ev) if as_json else diag_view.tail_line(ev))
            return
        answer = link.query(command)
    except DiagError as e:
        raise click.ClickException(str(e))
    finally:
        link.close()
    answer.pop("type", None)
    if as_json:
        click.echo(json.dumps(answer))
    else:
        from . import diag_view
        diag_view.show(command, answer)
