"""TLS for the collector's uplink (MicroPython's ssl, mbedTLS on the ESP32 and the unix
port): the ingest server's certificate is always checked, against the CA the config names
(`ca_cert`, a PEM or DER file on the collector's flash), and its name against the host.

    ctx = ingest_tls.client_context(flash + "/" + cfg["ca_cert"])
    reader, writer = await asyncio.open_connection(host, 443, ssl=ctx, server_hostname=host)

A server whose certificate does not chain to that CA, or is for another name, fails the
handshake with OSError; nothing is sent to it.
"""
import ssl


class TlsError(Exception):
    pass


def pem_to_der(pem):
    """The first certificate of a PEM file as DER (mbedTLS wants PEM NUL-terminated)."""
    import binascii
    lines = pem.split(b"\n")
    body = []
    inside = False
    for ln in lines:
        ln = ln.strip()
        if ln.startswith(b"-----BEGIN"):
            inside = True
        elif ln.startswith(b"-----END"):
            break
        elif inside:
            body.append(ln)
    return binascii.a2b_base64(b"".join(body))


def client_context(ca_path):
    """An SSLContext that requires the server's certificate to chain to the CA in
    `ca_path`. TlsError if the file is missing or holds no certificate."""
    if not ca_path:
        raise TlsError("https needs ca_cert: the ingest server's CA certificate on flash")
    try:
        with open(ca_path, "rb") as f:
            ca = f.read()
    except OSError as e:
        raise TlsError("ca_cert %s: %s" % (ca_path, e))
    if ca.startswith(b"-----BEGIN"):
        ca = pem_to_der(ca)
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.verify_mode = ssl.CERT_REQUIRED
    try:
        ctx.load_verify_locations(cadata=ca)
    except (ValueError, OSError) as e:
        raise TlsError("ca_cert %s is not a certificate (%s)" % (ca_path, e))
    return ctx
