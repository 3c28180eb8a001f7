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
``status() -> dict``, ``meters() -> list of dict``, ``uncoded() -> list of dict`` and
``async selftest() -> dict``.
"""
import json
import sys

HELP = ("commands: status | meters | uncoded | tail on|off | selftest | json on|off | help")


class Console:
    def __init__(self, app, write=None):
        self.app = app
        self.json = False
        self.tailing = False
        self._write = write or sys.stdout.write

    def emit(self, kind, obj, as_json):
        w = self._write
        if as_json:
            if isinstance(obj, dict):
                d = {"type": kind}
                d.update(obj)
                w(json.dumps(d))
                w("\n")
                return
            # a list (500 meters) is written item by item on one line: no big string
            w('{"type": "%s", "items": [' % kind)
            for i, item in enumerate(obj):
                if i:
                    w(", ")
                w(json.dumps(item))
            w("]}\n")
        elif kind in ("meters", "uncoded") and len(obj) > 40:
            # many meters: a table per block of 40 rows keeps the text small in RAM
            for i in range(0, len(obj), 40):
                w(_text(kind, obj[i:i + 40]) + "\n")
        else:
            w(_text(kind, obj) + "\n")

    async def handle(self, line):
        words = line.strip().split()
        if not words:
            return
        as_json = self.json
        if words[0] == "json" and len(words) > 1 and words[1] not in ("on", "off"):
            as_json = True
            words = words[1:]
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
        while True:
            line = await reader.readline()
            if not line:
                return
            try:
                await self.handle(line.decode() if isinstance(line, bytes) else line)
            except Exception as e:  # a console command must never take the collector down
                self.emit("error", {"error": "%s: %s" % (type(e).__name__, e)}, self.json)


def _pad(s, n):
    return s + " " * (n - len(s))


def _fmt(v):
    if v is None:
        return "-"
    if isinstance(v, float):
        return "%.3f" % v if abs(v) < 1e6 else "%.0f" % v
    return str(v)


def _text(kind, obj):
    if kind == "meters" or kind == "uncoded":
        if not obj:
            return "(no meters)" if kind == "meters" else "(no uncoded meters heard)"
        # MicroPython dicts keep no order: id first, the rest sorted
        cols = sorted(obj[0].keys(), key=lambda c: (c != "id", c))
        rows = [[_fmt(m.get(c)) for c in cols] for m in obj]
        widths = [max(len(c), max(len(r[i]) for r in rows)) for i, c in enumerate(cols)]
        out = ["  ".join(_pad(c, widths[i]) for i, c in enumerate(cols))]
        for r in rows:
            out.append("  ".join(_pad(r[i], widths[i]) for i in range(len(cols))))
        return "\n".join(out)
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
