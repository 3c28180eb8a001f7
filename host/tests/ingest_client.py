"""A test client for ingest written from the wire format in firmware/uplink.py's docstring
(not from the server's code): signs requests, checks answer signatures, and can send raw
bytes for the hostile cases."""
import hashlib
import hmac
import http.client
import json
import socket

from meterrecord import encode, make_record


def rec(seq, meter=0x12345678, t=1700000000, hca=100, collector="c1", values=None):
    vals = values if values is not None else {"current_consumption_hca": hca}
    return encode(make_record(collector, meter, t, -70, vals,
                              {"current_consumption_hca": hca * 1.2}, {"kq": 1.2},
                              b"\x0b\x44"), seq)


def signature(key, collector, key_id, ctime, body, path="/upload"):
    canon = ("fordel-upload-v2\nPOST\n%s\n%s\n%s\n%d\n%d\n"
             % (path, collector, key_id, ctime, len(body))).encode("utf-8")
    return hmac.new(key, canon + body, hashlib.sha256).hexdigest()


def post(port, body, key, collector="c1", key_id="1", ctime=1700000000, sig=None,
         headers=None, host="127.0.0.1", conn=None):
    """(status, answer dict, answer signature valid) of one upload."""
    sig = sig if sig is not None else signature(key, collector, key_id, ctime, body)
    h = {"X-Fordel-Collector": collector.encode("utf-8"), "X-Fordel-Key-Id": key_id,
         "X-Fordel-Time": str(ctime), "X-Fordel-Signature": sig,
         "Content-Type": "application/cbor", "Content-Length": str(len(body))}
    h.update(headers or {})
    c = conn or http.client.HTTPConnection(host, port, timeout=10)
    try:
        c.request("POST", "/upload", body=body, headers=h)
        r = c.getresponse()
        data = r.read()
        asig = r.getheader("X-Fordel-Signature")
    finally:
        if conn is None:
            c.close()
    want = hmac.new(key, b"fordel-answer-v2\n" + sig.encode() + b"\n" + data,
                    hashlib.sha256).hexdigest() if isinstance(sig, str) else None
    return r.status, json.loads(data), asig == want


def raw(port, data, timeout=10):
    """Send raw bytes; the server's whole answer (until it closes)."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    try:
        s.sendall(data)
        out = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                return out
            out += chunk
    finally:
        s.close()


def get_status(port, token=None, query=""):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        c.request("GET", "/status" + query,
                  headers={"Authorization": "Bearer " + token} if token else {})
        r = c.getresponse()
        return r.status, json.loads(r.read())
    finally:
        c.close()
