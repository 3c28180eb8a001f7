"""The documented reverse-proxy deployment (deploy/nginx/fordel-ingest.conf, docs/ingest.md):
the real nginx terminates TLS in front of ingest, and the firmware's own HTTPS uplink
(firmware/uplink.py on the micropython binary, the server checked against the test CA in
ca_cert) uploads through it: records stored once, the answer's signature intact (the uplink
releases nothing on an unsigned answer), a UTF-8 collector id passed through. What nginx
answers itself (too large, ingest down) is JSON with the reason.
If nginx cannot be installed or started here, the test is skipped saying why."""
import http.client
import json
import ssl
import subprocess
import time

import cbor2
import pytest
from ingest_client import post, rec

from fordel.devtools.nginx import Nginx, NginxUnavailable
from fordel.devtools.testca import make_ca
from fordel.ingest.server import serve_in_thread
from fordel.paths import FIRMWARE, SHARED, micropython_binary

KEY = "5a" * 16
CID = "Søndergade-1"
N = 25

COLLECTOR = r"""
import sys, json, asyncio, time
sys.path.insert(0, %(fw)r)
sys.path.insert(0, %(shared)r)
import store, uplink
from meterrecord import make_record
st = store.Store(%(root)r)
t0 = int(time.time()) - 86400
for i in range(%(n)d):
    st.append(make_record(%(cid)r, 0x12345600 + i %% 3, t0 + i * 600, -70,
                          {"total_m3": i * 0.5}, {"total_m3": i * 0.5}, {"multiplier": 1},
                          bytes((0x0b, 0x44, i))))
up = uplink.Uplink({"collector_id": %(cid)r, "upload_key": %(key)r, "batch": 10,
                    "upload_url": %(url)r, "ca_cert": %(ca)r, "upload_every_s": 0,
                    "read_timeout_s": 10, "max_backoff_s": 0.2}, st)
out = []
async def go():
    while st.pending(1):
        try:
            out.append(await up.upload_once())
        except Exception as e:
            out.append("%%s: %%s" %% (type(e).__name__, e))
            break
asyncio.run(go())
print(json.dumps({"uploads": out, "uplink": up.status(), "store": st.status()}))
"""


@pytest.fixture
def proxy(tmp_path):
    ca = make_ca(tmp_path)
    srv = serve_in_thread(str(tmp_path / "r.sqlite"), {CID: bytes.fromhex(KEY)})
    ngx = Nginx(tmp_path / "nginx")
    try:
        ngx.start(ca["cert.pem"], ca["key.pem"], srv.server_address[1])
    except NginxUnavailable as e:
        srv.shutdown()
        pytest.skip("nginx cannot run here: %s" % e)
    yield ngx, srv, ca
    ngx.stop()
    srv.shutdown()


def _https(port, ca, method, path, body=b"", headers=None):
    ctx = ssl.create_default_context(cafile=ca)
    c = http.client.HTTPSConnection("localhost", port, context=ctx, timeout=20)
    try:
        c.request(method, path, body=body, headers=headers or {})
        r = c.getresponse()
        return r.status, r.getheader("Content-Type"), r.read()
    finally:
        c.close()


def test_firmware_https_uplink_through_nginx(proxy, tmp_path):
    ngx, srv, ca = proxy
    url = "https://localhost:%d/upload" % ngx.port
    p = subprocess.run([micropython_binary(), "-X", "heapsize=512K", "-c", COLLECTOR % {
        "fw": str(FIRMWARE), "shared": str(SHARED), "root": str(tmp_path / "store"), "n": N,
        "cid": CID, "key": KEY, "url": url, "ca": ca["ca.pem"]}],
        capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stdout + p.stderr
    st = json.loads(p.stdout.strip().splitlines()[-1])
    # batches of 10: 10, 10, 5 records; each one released only on a signed answer
    assert st["uploads"][:3] == [10, 10, 5], (st, ngx.error_log()[-2000:])
    assert st["store"]["acked"] == N - 1 and st["uplink"]["failures"] == 0
    recs = list(srv.db.records())
    assert sorted(r["seq"] for r in recs) == list(range(N))
    assert {r["collector_id"] for r in recs} == {CID}


def test_ingest_sees_the_collectors_address_not_the_proxys(proxy):
    """nginx sets X-Forwarded-For to the address it was reached from (a client's own header
    does not count); ingest's rate limit and fleet status use it."""
    ngx, srv, ca = proxy
    ctx = ssl.create_default_context(cafile=ca["ca.pem"])
    conn = http.client.HTTPSConnection("localhost", ngx.port, context=ctx, timeout=20,
                                       source_address=("127.0.0.5", 0))
    body = cbor2.dumps([rec(0, collector=CID)])
    code, ans, signed = post(ngx.port, body, bytes.fromhex(KEY), collector=CID, conn=conn,
                             ctime=int(time.time()), headers={"X-Forwarded-For": "6.6.6.6"})
    conn.close()
    assert (code, ans["new"], signed) == (200, 1, True)
    assert srv.db.fleet(0)["collectors"][CID]["last_address"] == "127.0.0.5"


def test_what_nginx_answers_itself_says_why(proxy):
    ngx, srv, ca = proxy
    code, ctype, body = _https(ngx.port, ca["ca.pem"], "POST", "/upload", b"x" * 300000,
                               {"Content-Type": "application/cbor"})
    assert code == 413 and ctype == "application/json"
    assert "over the proxy limit" in json.loads(body)["error"]
    code, _, body = _https(ngx.port, ca["ca.pem"], "GET", "/elsewhere")
    assert code == 404 and "/upload" in json.loads(body)["error"]
    # ingest's own refusals pass as ingest sent them (unsigned upload: 401 with its reason)
    code, _, body = _https(ngx.port, ca["ca.pem"], "POST", "/upload", b"\x80",
                           {"X-Fordel-Collector": "nobody", "X-Fordel-Time": "1",
                            "X-Fordel-Signature": "0" * 64})
    assert code == 401 and "unknown collector 'nobody'" in json.loads(body)["error"]
    srv.shutdown()                                        # ingest down behind the proxy
    code, ctype, body = _https(ngx.port, ca["ca.pem"], "POST", "/upload", b"\x80",
                               {"X-Fordel-Collector": CID})
    assert code == 503 and ctype == "application/json"
    assert "not answering" in json.loads(body)["error"]
