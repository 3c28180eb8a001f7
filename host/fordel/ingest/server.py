"""The upload endpoint collectors post to (see firmware/uplink.py for the wire format).

    POST /upload   X-Fordel-Collector, X-Fordel-Signature (HMAC-SHA256 of the body with the
                   collector's key), body: CBOR array of record byte strings
                   -> 200 {"acked": highest seq stored for this collector, "new": n}
                   -> 400 broken CBOR / record (named), 401 unknown collector or bad signature
    GET  /status   -> 200 {"records": n, "collectors": {...}}
Every record is decoded (shared/meterrecord) before anything of the batch is stored; a batch
with a broken record is refused whole, so the collector keeps it and the error is visible.
"""
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cbor2

from meterrecord import RecordError, decode as decode_record

from .db import ReadingsDB

MAX_BODY = 4 * 1024 * 1024


def read_collector_keys(path):
    """collectors CSV: collector_id,key (hex) -> {id: key bytes}; ValueError naming the row."""
    keys = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#") or line.startswith("collector_id"):
                continue
            parts = [p.strip() for p in line.split(",")]
            if len(parts) < 2:
                raise ValueError("%s row %d: need collector_id,key" % (path, n))
            try:
                keys[parts[0]] = bytes.fromhex(parts[1])
            except ValueError:
                raise ValueError("%s row %d: key is not hex" % (path, n))
    return keys


def parse_batch(body):
    """The record byte strings of an upload body; ValueError naming what is wrong."""
    try:
        items = cbor2.loads(body)
    except Exception as e:  # cbor2 raises several types for broken input
        raise ValueError("body is not CBOR (%s)" % e)
    if not isinstance(items, list) or not all(isinstance(i, bytes) for i in items):
        raise ValueError("body must be a CBOR array of byte strings")
    records = []
    for i, raw in enumerate(items):
        try:
            records.append(decode_record(raw))
        except RecordError as e:
            raise ValueError("record %d of the batch: %s" % (i, e))
    return records


class IngestServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, addr, db_path, collector_keys, log=None):
        self.db = ReadingsDB(db_path)
        self.keys = collector_keys
        self.lock = threading.Lock()
        self.log = log
        self.batches = 0
        self.refused = 0
        super().__init__(addr, Handler)

    def handle_upload(self, collector, signature, body):
        key = self.keys.get(collector)
        if key is None:
            return 401, {"error": "unknown collector %r" % collector}
        want = hmac.new(key, body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(want, (signature or "").lower()):
            return 401, {"error": "bad signature for collector %r" % collector}
        try:
            records = parse_batch(body)
        except ValueError as e:
            return 400, {"error": "collector %s: %s" % (collector, e)}
        for r in records:
            if r.get("collector_id") not in (None, collector):
                return 400, {"error": "record seq %s names collector %r, upload came from %r"
                             % (r.get("seq"), r.get("collector_id"), collector)}
        with self.lock:
            new = self.db.add(collector, records)
            self.batches += 1
        acked = max([r["seq"] for r in records] + [-1])
        return 200, {"acked": acked, "new": new}


class Handler(BaseHTTPRequestHandler):
    server_version = "fordel-ingest/1"

    def _send(self, code, obj):
        data = json.dumps(obj).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        if self.path != "/upload":
            return self._send(404, {"error": "no such endpoint %s" % self.path})
        n = int(self.headers.get("Content-Length") or 0)
        if n <= 0 or n > MAX_BODY:
            return self._send(400, {"error": "Content-Length %d out of range" % n})
        body = self.rfile.read(n)
        code, obj = self.server.handle_upload(self.headers.get("X-Fordel-Collector", ""),
                                              self.headers.get("X-Fordel-Signature", ""), body)
        if code != 200:
            self.server.refused += 1
        self._send(code, obj)

    def do_GET(self):
        if self.path != "/status":
            return self._send(404, {"error": "no such endpoint %s" % self.path})
        with self.server.lock:
            obj = {"records": self.server.db.count(), "batches": self.server.batches,
                   "refused": self.server.refused,
                   "collectors": {c: self.server.db.count(c) for c in self.server.keys}}
        self._send(200, obj)

    def log_message(self, fmt, *args):
        if self.server.log:
            self.server.log(fmt % args)


def serve_in_thread(db_path, collector_keys, host="127.0.0.1", port=0):
    srv = IngestServer((host, port), db_path, collector_keys)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    return srv
