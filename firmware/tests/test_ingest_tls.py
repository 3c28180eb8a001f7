"""firmware/ingest_tls.py on the micropython binary (mbedTLS, as on the ESP32) against a local TLS
server whose certificate a test CA signed: the right CA connects, another CA and another
host name are refused in the handshake."""
import datetime
import json
import socket
import ssl
import subprocess
import threading

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from fordel.paths import FIRMWARE, micropython_binary


def cert(subject, issuer_key, issuer_name, key, ca=False, san=None):
    now = datetime.datetime.now(datetime.UTC)
    b = (x509.CertificateBuilder().subject_name(subject).issuer_name(issuer_name)
         .public_key(key.public_key()).serial_number(x509.random_serial_number())
         .not_valid_before(now - datetime.timedelta(days=1))
         .not_valid_after(now + datetime.timedelta(days=30))
         .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True))
    if san:
        b = b.add_extension(x509.SubjectAlternativeName([x509.DNSName(san)]), critical=False)
    return b.sign(issuer_key, hashes.SHA256())


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def make_ca(cn):
    k = ec.generate_private_key(ec.SECP256R1())
    return k, cert(name(cn), k, name(cn), k, ca=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    d = tmp_path_factory.mktemp("tls")
    ca_key, ca = make_ca("fordel test CA")
    _, other_ca = make_ca("someone else's CA")
    key = ec.generate_private_key(ec.SECP256R1())
    srv_cert = cert(name("localhost"), ca_key, ca.subject, key, san="localhost")
    (d / "srv.pem").write_bytes(srv_cert.public_bytes(serialization.Encoding.PEM))
    (d / "srv.key").write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                                  serialization.PrivateFormat.PKCS8,
                                                  serialization.NoEncryption()))
    (d / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    (d / "ca.der").write_bytes(ca.public_bytes(serialization.Encoding.DER))
    (d / "other.pem").write_bytes(other_ca.public_bytes(serialization.Encoding.PEM))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(d / "srv.pem", d / "srv.key")
    lsock = socket.create_server(("127.0.0.1", 0))
    port = lsock.getsockname()[1]

    def serve():
        while True:
            try:
                conn, _ = lsock.accept()
            except OSError:
                return
            try:
                with ctx.wrap_socket(conn, server_side=True) as s:
                    s.recv(100)
                    s.sendall(b"HTTP/1.0 200 OK\r\n\r\nhello")
            except (ssl.SSLError, OSError):
                conn.close()
    threading.Thread(target=serve, daemon=True).start()
    yield d, port
    lsock.close()


CLIENT = r"""
import sys, asyncio, json
sys.path.insert(0, %(fw)r)
import ingest_tls
async def main():
    try:
        ctx = ingest_tls.client_context(%(ca)r)
        r, w = await asyncio.open_connection("127.0.0.1", %(port)d, ssl=ctx,
                                             server_hostname=%(host)r)
        w.write(b"GET / HTTP/1.0\r\n\r\n")
        await w.drain()
        data = await r.read(100)
        w.close()
        print(json.dumps({"ok": data.decode()}))
    except Exception as e:
        print(json.dumps({"error": "%%s: %%s" %% (type(e).__name__, e)}))
asyncio.run(main())
"""


def connect(ca, port, host="localhost"):
    p = subprocess.run([micropython_binary(), "-X", "heapsize=1M", "-c",
                        CLIENT % {"fw": str(FIRMWARE), "ca": str(ca), "port": port,
                                  "host": host}],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stdout + p.stderr
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_server_signed_by_the_configured_ca_connects(server):
    d, port = server
    out = connect(d / "ca.pem", port)
    assert out.get("ok", "").endswith("hello"), out
    assert connect(d / "ca.der", port)["ok"].endswith("hello")


def test_other_ca_and_other_name_are_refused(server):
    d, port = server
    assert "error" in connect(d / "other.pem", port)
    assert "error" in connect(d / "ca.pem", port, host="ingest.example.dk")


def test_missing_ca_file_is_named(server):
    d, port = server
    out = connect(d / "nope.pem", port)
    assert out["error"].startswith("TlsError: ca_cert") and "nope.pem" in out["error"]
