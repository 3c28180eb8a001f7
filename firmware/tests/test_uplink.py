"""firmware/uplink.py on the micropython binary: HMAC-SHA256 against RFC 4231, the batch
body against cbor2, and a real upload to an HTTP server that answers like ingest."""
import binascii
import hashlib
import hmac
import json
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import cbor2

from fordel.paths import FIRMWARE, micropython_binary

SCRIPT = r"""
import sys, binascii, json, asyncio
sys.path.insert(0, %(fw)r)
import uplink
out = {}
out["rfc4231_1"] = binascii.hexlify(uplink.hmac_sha256(b"\x0b" * 20, b"Hi There")).decode()
out["rfc4231_2"] = binascii.hexlify(uplink.hmac_sha256(b"Jefe",
                                    b"what do ya want for nothing?")).decode()
out["long_key"] = binascii.hexlify(uplink.hmac_sha256(b"\xaa" * 131,
                   b"Test Using Larger Than Block-Size Key - Hash Key First")).decode()
out["body"] = binascii.hexlify(uplink.batch_body([(1, b"abc"), (2, bytes(300))])).decode()

class Store:
    def __init__(self):
        self.recs = [(5, b"r5"), (6, b"r6"), (7, b"r7")]
        self.acked = -1
    def pending(self, n):
        return [r for r in self.recs if r[0] > self.acked][:n]
    def ack(self, seq):
        self.acked = seq

st = Store()
up = uplink.Uplink({"collector_id": "c1", "upload_key": "00112233", "batch": 2,
                    "upload_url": "http://127.0.0.1:%(port)d/upload"}, st)
async def go():
    a = await up.upload_once()
    b = await up.upload_once()
    c = await up.upload_once()
    return [a, b, c]
out["uploads"] = asyncio.run(go())
out["acked"] = st.acked
out["status"] = up.status()
up2 = uplink.Uplink({"collector_id": "c1", "upload_key": "00", "batch": 2,
                     "upload_url": "http://127.0.0.1:1/upload"}, Store())
try:
    asyncio.run(up2.upload_once())
    out["down"] = "no error"
except OSError as e:
    out["down"] = "OSError"
print(json.dumps(out))
"""


class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        want = hmac.new(bytes.fromhex("00112233"), body, hashlib.sha256).hexdigest()
        ok = hmac.compare_digest(want, self.headers["X-Fordel-Signature"])
        items = cbor2.loads(body)
        self.server.seen.append((self.headers["X-Fordel-Collector"], ok, items))
        data = json.dumps({"acked": {b"r5": 5, b"r6": 6, b"r7": 7}[items[-1]]}).encode()
        self.send_response(200 if ok else 401)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *a):
        pass


def test_uplink_on_micropython():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.seen = []
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        p = subprocess.run([micropython_binary(), "-X", "heapsize=96K", "-c",
                            SCRIPT % {"fw": str(FIRMWARE), "port": srv.server_address[1]}],
                           capture_output=True, text=True, timeout=60)
    finally:
        srv.shutdown()
    assert p.returncode == 0, p.stdout + p.stderr
    out = json.loads(p.stdout.strip().splitlines()[-1])
    # RFC 4231 test cases 1, 2 and 6
    assert out["rfc4231_1"] == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    assert out["rfc4231_2"] == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert out["long_key"] == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    assert cbor2.loads(binascii.unhexlify(out["body"])) == [b"abc", bytes(300)]
    assert out["uploads"] == [2, 1, 0] and out["acked"] == 7
    assert [s[:2] for s in srv.seen] == [("c1", True), ("c1", True)]
    assert [s[2] for s in srv.seen] == [[b"r5", b"r6"], [b"r7"]]
    assert out["status"]["sent"] == 3 and out["status"]["batches"] == 2
    assert out["down"] == "OSError"          # connection refused: nothing acknowledged
