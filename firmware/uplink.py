"""Upload stored records to the ingest server: HMAC-signed batches over HTTP, acknowledged
records released from the store. A dropped network only delays: nothing leaves the store
before the server has acknowledged it, and a batch sent twice is stored once (the server
keys records by collector id and sequence number).

    POST /upload HTTP/1.0
    X-Fordel-Collector: <collector id>
    X-Fordel-Signature: hex HMAC-SHA256(upload key, body)
    Content-Type: application/cbor
    body: CBOR array of byte strings, each one stored record (shared/meterrecord) as written

    200 {"acked": <highest sequence number stored>}
"""
import asyncio
import binascii
import hashlib

def hmac_sha256(key, msg):
    """HMAC-SHA256 (RFC 2104) on hashlib, which both interpreters have."""
    return hmac_parts(key, (msg,))


def _head(major, n):
    if n < 24:
        return bytes((major << 5 | n,))
    if n < 256:
        return bytes((major << 5 | 24, n))
    if n < 65536:
        return bytes((major << 5 | 25, n >> 8, n & 0xFF))
    return bytes((major << 5 | 26, n >> 24, (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF))


def batch_parts(records):
    """The pieces of the CBOR array of byte strings for [(seq, record bytes), ...]; sent one
    after the other, so no buffer of the whole batch is needed."""
    parts = [_head(4, len(records))]
    for _seq, data in records:
        parts.append(_head(2, len(data)))
        parts.append(data)
    return parts


def batch_body(records):
    return b"".join(batch_parts(records))


def hmac_parts(key, parts):
    """HMAC-SHA256 over the concatenation of parts."""
    if len(key) > 64:
        key = hashlib.sha256(key).digest()
    k = bytearray(64)
    k[0:len(key)] = key
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in k))
    for p in parts:
        inner.update(p)
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in k))
    outer.update(inner.digest())
    return outer.digest()


def parse_url(url):
    if not url.startswith("http://"):
        raise ValueError("upload_url must be http://host:port/path, got %r" % url)
    rest = url[7:]
    hostport, _, path = rest.partition("/")
    host, _, port = hostport.partition(":")
    return host, int(port or 80), "/" + path


class UploadError(Exception):
    pass


class Uplink:
    def __init__(self, cfg, store):
        self.store = store
        self.collector_id = cfg["collector_id"]
        self.key = binascii.unhexlify(cfg["upload_key"]) if cfg["upload_key"] else b""
        self.host, self.port, self.path = parse_url(cfg["upload_url"])
        self.every = int(cfg.get("upload_every_s", 60))
        self.batch = int(cfg.get("batch", 10))
        self.sent = 0
        self.batches = 0
        self.failures = 0
        self.last_error = None
        self.last_ok = None
        self.backoff = 0

    def status(self):
        return {"url": "http://%s:%d%s" % (self.host, self.port, self.path), "sent": self.sent,
                "batches": self.batches, "failures": self.failures,
                "last_error": self.last_error, "backoff_s": self.backoff}

    async def post(self, parts):
        sig = binascii.hexlify(hmac_parts(self.key, parts)).decode()
        length = 0
        for p in parts:
            length += len(p)
        reader, writer = await asyncio.open_connection(self.host, self.port)
        try:
            head = ("POST %s HTTP/1.0\r\nHost: %s\r\nX-Fordel-Collector: %s\r\n"
                    "X-Fordel-Signature: %s\r\nContent-Type: application/cbor\r\n"
                    "Content-Length: %d\r\n\r\n" % (self.path, self.host, self.collector_id,
                                                      sig, length))
            writer.write(head.encode())
            for p in parts:
                writer.write(p)
                await writer.drain()
            status = await reader.readline()
            parts = status.split()
            code = int(parts[1]) if len(parts) > 1 else 0
            length = -1
            while True:
                line = await reader.readline()
                if not line or line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            data = await reader.read(length if length >= 0 else 4096)
        finally:
            writer.close()
            await writer.wait_closed()
        if code != 200:
            raise UploadError("server answered %d: %s" % (code, data[:200]))
        import json
        return json.loads(data)

    async def upload_once(self):
        """Send one batch of pending records; returns how many were acknowledged."""
        recs = self.store.pending(self.batch)
        if not recs:
            return 0
        answer = await self.post(batch_parts(recs))
        acked = int(answer.get("acked", -1))
        if acked < recs[0][0]:
            raise UploadError("server acknowledged %d, batch starts at %d" % (acked, recs[0][0]))
        self.store.ack(acked)
        n = sum(1 for s, _ in recs if s <= acked)
        self.sent += n
        self.batches += 1
        return n

    async def run(self):
        while True:
            try:
                while await self.upload_once():
                    pass
                self.backoff = 0
            except Exception as e:  # network down, server error: keep records, retry later
                self.failures += 1
                self.last_error = "%s: %s" % (type(e).__name__, e)
                self.backoff = min(600, max(5, self.backoff * 2))
                await asyncio.sleep(self.backoff)
                continue
            await asyncio.sleep(self.every)
