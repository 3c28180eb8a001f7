"""Field diagnostics console on the board's REPL UART (technician's serial console).

Commands (one per line; answers are human-readable, or one JSON object per line after
`json on`, or for a single command with the prefix `json `, so host tools can parse them):

    status           uptime, free heap, flash use, radio module, totals
    meters           per coded meter: telegrams ok, CRC errors, decrypt failures, decode
                     errors, stored, not decoded (the reading policy could not have stored
                     them), last RSSI, last seen, last reading
    uncoded          meters heard that are not coded (code them on site)
    tail on|off      live tail of every telegram received
    selftest         radio module self-test (ping, module info, link mode)
    json on|off      switch the output format
    help

The console only formats; the app supplies the facts through four methods:
``status() -> dict``, ``meters()`` and ``uncoded()`` -> iterables of dicts, and
``async selftest() -> dict``.
"""
import gc
import json
import sys

MAX_LINE = 200      # longer input is cut: no command is near it
HELP = ("commands: status | meters | uncoded | tail on|off | selftest | json on|off | help")


class Console:
    def __init__(self, app, out=None):
        self.app = app
        self.json = False
        self.tailing = False
        self._out = out or sys.stdout       # a stream: answers are written to it in pieces

    def _json(self, obj):
        """One JSON value, written as json.dump makes it: `json.dumps` first builds the
        whole text, and on a 96K heap that 500 meters and an hour of telegrams have used,
        the ~1.5 kB contiguous block a status needs can be missing (MemoryError on every
        `status`, seen in the HIL test of 500 meters for an hour on a loaded machine)."""
        json.dump(obj, self._out)

    def emit(self, kind, obj, as_json):
        """Write one answer. `obj` is a dict, or for meters/uncoded any iterable of dicts:
        it is written item by item (500 meters' rows never exist in RAM at once)."""
        w = self._out.write
        if isinstance(obj, dict):
            if as_json:
                d = {"type": kind}
                d.update(obj)
                self._json(d)
                w("\n")
            else:
                w(_text(kind, obj) + "\n")
            return
        if as_json:
            w('{"type": "%s", "items": [' % kind)
            first = True
            for item in obj:
                if not first:
                    w(", ")
                first = False
                self._json(item)
            w("]}\n")
            return
        # text: a table per block of 40 rows, written a line at a time
        block = []
        empty = True
        for item in obj:
            block.append(item)
            if len(block) == 40:
                _table(w, kind, block)
                block = []
                empty = False
        if block or empty:
            _table(w, kind, block)

    async def handle(self, line):
        words = line.strip().split()
        if not words:
            return
        as_json = self.json
        if words[0] == "json" and len(words) > 1 and words[1] not in ("on", "off"):
            as_json = True
            words = words[1:]
        try:
            await self._do(line, words, as_json)
        except Exception as e:  # a console command must never take the collector down
            # answered as the command asked, on a line of its own (a part of the answer
            # may have been written): a host tool that sent `json status` reads the reason
            # instead of waiting for a JSON line that never comes
            gc.collect()
            self._out.write("\n")
            self.emit("error", {"error": "%s: %s" % (type(e).__name__, e)}, as_json)

    async def _do(self, line, words, as_json):
        cmd = words[0]
        arg = words[1] if len(words) > 1 else ""
        if cmd == "status":
            self.emit("status", self.app.status(), as_json)
        elif cmd == "meters":
            self.emit("meters", self.app.meters(), as_json)
        elif cmd == "uncoded":
            self.emit("uncoded", self.app.uncoded(), as_json)
        elif cmd == "selftest":
            self.emit("selftest", await self.app.selftest(), as_json)
        elif cmd == "tail" and arg in ("on", "off"):
            self.tailing = arg == "on"
            self.emit("ok", {"tail": self.tailing}, as_json)
        elif cmd == "json" and arg in ("on", "off"):
            self.json = arg == "on"
            self.emit("ok", {"json": self.json}, self.json)
        elif cmd == "help":
            self.emit("help", {"help": HELP}, as_json)
        else:
            self.emit("error", {"error": "unknown command %r; %s" % (line.strip(), HELP)}, as_json)

    def telegram(self, event):
        """Called by the app for every telegram; printed only while `tail on`."""
        if self.tailing:
            self.emit("telegram", event, self.json)

    async def run(self, reader):
        """Commands from `reader` (the REPL's stdin), a line at a time, ended by CR or LF as
        a terminal or mpremote sends them. Ctrl-C stops the app for the REPL, as the
        interrupt character does on a board (an ESP32 raises it before the byte gets here;
        the unix port's stdin hands it over as a byte), so mpremote gets its raw REPL."""
        line = bytearray()
        while True:
            chunk = await reader.read(1)
            if not chunk:
                return
            if isinstance(chunk, str):
                chunk = chunk.encode()
            for b in chunk:
                if b == 3:
                    raise KeyboardInterrupt
                if b == 10 or b == 13:
                    if line:
                        await self._command(bytes(line))
                        line = bytearray()
                elif b == 8 or b == 127:
                    line = line[:-1]
                elif len(line) < MAX_LINE:
                    line.append(b)

    async def _command(self, line):
        try:
            line = line.decode()
        except UnicodeError:
            line = "(not text)"
        await self.handle(line)


def _pad(s, n):
    return s + " " * (n - len(s))


def _fmt(v):
    if v is None:
        return "-"
    if isinstance(v, float):
        return "%.3f" % v if abs(v) < 1e6 else "%.0f" % v
    return str(v)


def _table(w, kind, rows):
    """Rows of meters as a table with aligned columns, written line by line."""
    if not rows:
        w("(no meters)\n" if kind == "meters" else "(no uncoded meters heard)\n")
        return
    # MicroPython dicts keep no order: id first, the rest sorted
    cols = sorted(rows[0].keys(), key=lambda c: (c != "id", c))
    cells = [[_fmt(m.get(c)) for c in cols] for m in rows]
    widths = [max(len(c), max(len(r[i]) for r in cells)) for i, c in enumerate(cols)]
    w("  ".join(_pad(c, widths[i]) for i, c in enumerate(cols)))
    w("\n")
    for r in cells:
        w("  ".join(_pad(r[i], widths[i]) for i in range(len(cols))))
        w("\n")


def _text(kind, obj):
    if kind == "telegram":
        return "telegram " + " ".join("%s=%s" % (k, _fmt(obj[k])) for k in obj)
    if isinstance(obj, dict):
        if kind in ("help", "error") and len(obj) == 1:
            return _fmt(list(obj.values())[0])
        lines = []
        for k in sorted(obj):
            v = obj[k]
            if isinstance(v, dict):
                lines.append("%s:" % k)
                for k2 in sorted(v):
                    lines.append("  %-22s %s" % (k2, _fmt(v[k2])))
            else:
                lines.append("%-24s %s" % (k, _fmt(v)))
        return "\n".join(lines)
    return _fmt(obj)
