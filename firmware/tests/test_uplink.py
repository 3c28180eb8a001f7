"""firmware/uplink.py on the micropython binary: HMAC-SHA256 against RFC 4231, the batch
body against cbor2, and real uploads to the real ingest server (fordel.ingest), over HTTP
and over HTTPS with a test CA; a server that accepts and never answers, an unsigned answer
and a seq conflict each end in a counted, named error, and nothing is released unstored."""
import binascii
import json
import socket
import subprocess
import threading

import cbor2

from fordel.devtools.testca import make_ca
from fordel.ingest.server import serve_in_thread
from fordel.paths import FIRMWARE, SHARED, micropython_binary
from meterrecord import encode, make_record

KEY = bytes(range(16))
NOW = 1700003600

PRELUDE = r"""
import sys, binascii, json, asyncio
sys.path[:0] = [%(fw)r, %(shared)r]
import uplink

class Store:
    def __init__(self, recs):
        self.recs = [(s, binascii.unhexlify(h)) for s, h in recs]
        self.acked = -1
    def pending(self, n):
        return [r for r in self.recs if r[0] > self.acked][:n]
    def ack(self, seq):
        self.acked = seq
    def renumber(self, first):
        # store.Store.renumber's contract: what is not acknowledged again from `first` on
        from meterrecord import encode
        from meterrecord.cbor_read import loads
        old = [r for r in self.recs if r[0] > self.acked]
        first = max(first, self.recs[-1][0] + 1)
        self.recs = [r for r in self.recs if r[0] <= self.acked] + [
            (first + i, encode(loads(raw), first + i)) for i, (_s, raw) in enumerate(old)]
        return len(old)

clock_set = []
def set_clock(t):
    clock_set.append(t)
    return True

def make(url, recs, **kw):
    cfg = {"collector_id": %(cid)r, "upload_key": %(key)r, "batch": 2, "upload_url": url}
    cfg.update(kw)
    return uplink.Uplink(cfg, Store(recs), clock=lambda: 1700000000, set_clock=set_clock)

async def drain(up):
    out = []
    while True:
        try:
            n = await up.upload_once()
        except Exception as e:
            out.append("%%s: %%s" %% (type(e).__name__, e))
            break
        out.append(n)
        if not n:
            break
    return out
out = {}
"""


def rec(seq, hca=100, collector="Søndergade-1"):
    return encode(make_record(collector, 0x12345678, 1700000000, -70,
                              {"current_consumption_hca": hca},
                              {"current_consumption_hca": hca}, {"kq": 1}, b"\x0b\x44"), seq)


def run_mp(script, heap="96K", **kw):
    args = {"fw": str(FIRMWARE), "shared": str(SHARED), "cid": "Søndergade-1",
            "key": KEY.hex()}
    args.update(kw)
    p = subprocess.run([micropython_binary(), "-X", "heapsize=" + heap, "-c",
                        (PRELUDE + script) % args + "\nprint(json.dumps(out))\n"],
                       capture_output=True, text=True, timeout=90)
    assert p.returncode == 0, p.stdout + p.stderr
    return json.loads(p.stdout.strip().splitlines()[-1])


def recs_arg(recs):
    return [(s, binascii.hexlify(r).decode()) for s, r in recs]


def test_hmac_and_body_on_micropython():
    out = run_mp(r"""
out["rfc4231_1"] = binascii.hexlify(uplink.hmac_sha256(b"\x0b" * 20, b"Hi There")).decode()
out["rfc4231_2"] = binascii.hexlify(uplink.hmac_sha256(b"Jefe",
                                    b"what do ya want for nothing?")).decode()
out["long_key"] = binascii.hexlify(uplink.hmac_sha256(b"\xaa" * 131,
                   b"Test Using Larger Than Block-Size Key - Hash Key First")).decode()
out["body"] = binascii.hexlify(uplink.batch_body([(1, b"abc"), (2, bytes(300))])).decode()
""")
    # RFC 4231 test cases 1, 2 and 6
    assert out["rfc4231_1"] == "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
    assert out["rfc4231_2"] == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
    assert out["long_key"] == "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
    assert cbor2.loads(binascii.unhexlify(out["body"])) == [b"abc", bytes(300)]


def ingest(tmp_path, tls=None):
    return serve_in_thread(str(tmp_path / "r.sqlite"), {"Søndergade-1": KEY}, tls=tls,
                           clock=lambda: NOW)


def test_upload_to_ingest_sets_the_clock_and_stops_at_a_conflict(tmp_path):
    srv = ingest(tmp_path)
    try:
        url = "http://127.0.0.1:%d/upload" % srv.server_address[1]
        out = run_mp(r"""
up = make(%(url)r, %(recs)r)
out["uploads"] = asyncio.run(drain(up))
out["acked"] = up.store.acked
out["status"] = up.status()
out["clock_set"] = list(clock_set)
# a spare unit reusing seqs 6.. with other contents: seq 7 is held differently
up2 = make(%(url)r, %(other)r)
out["conflict"] = asyncio.run(drain(up2))
out["acked2"] = up2.store.acked
out["status2"] = up2.status()
up3 = make("http://127.0.0.1:1/upload", %(recs)r)
try:
    asyncio.run(up3.upload_once())
    out["down"] = "no error"
except OSError as e:
    out["down"] = "OSError"
""", url=url, recs=recs_arg([(5, rec(5)), (6, rec(6)), (7, rec(7))]),
                     other=recs_arg([(6, rec(6)), (7, rec(7, hca=999)), (8, rec(8))]))
        rows = [(r["seq"], r["values"]["current_consumption_hca"]) for r in srv.db.records()]
    finally:
        srv.shutdown()
    assert out["uploads"] == [2, 1, 0] and out["acked"] == 7
    assert out["status"]["sent"] == 3 and out["status"]["batches"] == 2
    assert out["clock_set"] == [NOW, NOW] and out["status"]["clock_offset_s"] == 3600
    # seq 6 the same (acknowledged), seq 7 held with other content: the server names its
    # next free number (8); the spare stores its 7 and 8 again above both its own numbers
    # and the server's: as 9 and 10
    assert out["conflict"] == [1 + 2, 2, 0]
    assert out["status2"]["renumbered"] == 2 and "stored again from seq 8" in \
        out["status2"]["last_error"]
    assert out["acked2"] == 10
    assert rows == [(5, 100), (6, 100), (7, 100), (9, 999), (10, 100)]
    assert out["down"] == "OSError"          # connection refused: nothing acknowledged


def silent_server():
    """Accepts connections, reads, never answers."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(8)
    held = []

    def loop():
        while True:
            try:
                c, _ = s.accept()
            except OSError:
                return
            held.append(c)
    threading.Thread(target=loop, daemon=True).start()
    return s, held


def test_server_that_never_answers_costs_one_timeout_and_is_counted():
    s, held = silent_server()
    try:
        url = "http://127.0.0.1:%d/upload" % s.getsockname()[1]
        out = run_mp(r"""
up = make(%(url)r, %(recs)r, read_timeout_s=1, max_backoff_s=1)
import time
t0 = time.ticks_ms()
try:
    asyncio.run(asyncio.wait_for(up.run(), 4.5))
except asyncio.TimeoutError:
    pass
out["elapsed_ms"] = time.ticks_diff(time.ticks_ms(), t0)
out["status"] = up.status()
out["acked"] = up.store.acked
""", url=url, recs=recs_arg([(5, rec(5))]))
    finally:
        s.close()
        for c in held:
            c.close()
    st = out["status"]
    # each try: 1 s read timeout, then a back-off of max_backoff_s=1 s: two tries or more
    assert st["failures"] >= 2 and st["timeouts"] == st["failures"]
    assert "no answer" in st["last_error"] and out["acked"] == -1 and st["sent"] == 0


def test_unsigned_answer_releases_nothing():
    """A server (or a man in the middle) that answers 200 {"acked": 7} without the answer
    signature: the records stay in the store."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(2)

    def answer():
        c, _ = s.accept()
        data = b""
        while b"\r\n\r\n" not in data:
            data += c.recv(65536)
        head, _, body = data.partition(b"\r\n\r\n")
        n = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
        while len(body) < n:
            body += c.recv(65536)
        body = json.dumps({"acked": 7, "time": 0}).encode()
        c.sendall(b"HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body))
        c.close()
    threading.Thread(target=answer, daemon=True).start()
    try:
        out = run_mp(r"""
up = make(%(url)r, %(recs)r)
out["r"] = asyncio.run(drain(up))
out["acked"] = up.store.acked
out["clock_set"] = list(clock_set)
""", url="http://127.0.0.1:%d/upload" % s.getsockname()[1],
                     recs=recs_arg([(5, rec(5)), (6, rec(6))]))
    finally:
        s.close()
    assert "not signed with our key" in out["r"][0]
    assert out["acked"] == -1 and out["clock_set"] == []


def test_https_upload_verified_against_a_test_ca(tmp_path):
    ca = make_ca(tmp_path)
    (tmp_path / "other").mkdir()
    other = make_ca(tmp_path / "other")
    srv = ingest(tmp_path, tls=(ca["cert.pem"], ca["key.pem"]))
    try:
        url = "https://localhost:%d/upload" % srv.server_address[1]
        out = run_mp(r"""
up = make(%(url)r, %(recs)r, ca_cert=%(ca)r)
out["r"] = asyncio.run(drain(up))
bad = make(%(url)r, %(recs)r, ca_cert=%(other)r)
out["bad"] = asyncio.run(drain(bad))
out["bad_acked"] = bad.store.acked
""", url=url, recs=recs_arg([(5, rec(5)), (6, rec(6)), (7, rec(7))]), ca=ca["ca.pem"],
                     other=other["ca.der"])
        n = srv.db.count()
    finally:
        srv.shutdown()
    assert out["r"] == [2, 1, 0] and n == 3
    assert out["bad"][0].startswith(("OSError", "ValueError")) and out["bad_acked"] == -1


def test_refusal_from_the_headers_reaches_the_collector_with_its_reason(tmp_path):
    """A large batch (~30 KB) refused from its headers (an unknown key id) must come back as
    the server's reason, not as a connection reset: the server skips the unread body."""
    srv = ingest(tmp_path)
    try:
        out = run_mp(r"""
up = make(%(url)r, %(recs)r, upload_key_id="9", batch=300)
out["r"] = asyncio.run(drain(up))
""", url="http://127.0.0.1:%d/upload" % srv.server_address[1],
                     recs=recs_arg([(i, rec(i, hca=10 ** 6 + i)) for i in range(300)]),
                     heap="1M")
    finally:
        srv.shutdown()
    assert out["r"][0].startswith("UploadError: server answered 401") and "key id" in out["r"][0]


def test_unset_clock_asks_the_server_time_with_an_empty_batch(tmp_path):
    """Nothing to send and the clock before 2020 (a power-up without NTP): the uplink sends
    an empty signed batch; the server answers its time, which sets the clock."""
    srv = ingest(tmp_path)
    try:
        url = "http://127.0.0.1:%d/upload" % srv.server_address[1]
        out = run_mp(r"""
up = make(%(url)r, [])
up.clock = lambda: 946684800 + 60
out["n"] = asyncio.run(up.upload_once())
out["clock_set"] = list(clock_set)
out["status"] = up.status()
up2 = make(%(url)r, [])                     # a set clock: no query
out["n2"] = asyncio.run(up2.upload_once())
out["status2"] = up2.status()
""", url=url)
    finally:
        srv.shutdown()
    assert out["n"] == 0 and out["clock_set"] == [NOW]
    assert out["status"]["time_queries"] == 1 and out["status"]["clock_sets"] == 1
    assert out["n2"] == 0 and out["status2"]["time_queries"] == 0
