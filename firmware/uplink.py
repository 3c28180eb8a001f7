"""Upload stored records to the ingest server: HMAC-signed batches over HTTP or HTTPS,
acknowledged records released from the store. A dropped network only delays: nothing leaves
the store before the server has acknowledged it in a signed answer, and a batch sent twice
is stored once (the server keys records by collector id and sequence number and compares
their contents).

    POST /upload HTTP/1.1          (no Connection: close: a server that refuses from the
                                    headers then skips the body instead of resetting)
    X-Fordel-Collector: <collector id, UTF-8>
    X-Fordel-Key-Id: <which of the collector's keys signed this>
    X-Fordel-Time: <the collector's clock, unix seconds>
    X-Fordel-Signature: hex HMAC-SHA256(key, canonical request + body)
    Content-Type: application/cbor
    Content-Length: <n>
    body: CBOR array of byte strings, each one stored record (shared/meterrecord) as written

    canonical request: "fordel-upload-v2\\n" POST \\n path \\n collector id \\n key id \\n
                       collector time \\n content length \\n   (UTF-8)

    200 {"acked": highest seq stored contiguously from the batch's first, "time": server
         unix seconds, "new": n, "refused": [[seq, reason], ...]}
    409 {"acked": ..., "error": "seq N already held with different content ...",
         "next_seq": the server's highest seq of the collector + 1}
    An empty array asks only the server's time: the collector's clock is unset after a
    power-up without NTP, and it stores no reading until the answer sets it.
    answer header X-Fordel-Signature: hex HMAC-SHA256(key, "fordel-answer-v2\\n" request
         signature "\\n" answer body): the uplink trusts neither an acknowledgement nor the
         server's time without it.

Every step has a deadline (connect, each send, the answer): a server that accepts and never
answers costs one `read_timeout_s`, is counted in `failures` and named in `last_error`, and
the next try waits a growing back-off.
"""
import asyncio
import binascii
import gc
import hashlib
import json

from meterrecord import CLOCK_VALID_AFTER
from meterrecord.upload import answer_parts, canonical_request

CLOCK_TOLERANCE_S = 30        # the board clock is set from the server's when further apart


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


def answer_signature(key, request_sig, body):
    return binascii.hexlify(hmac_parts(key, answer_parts(request_sig, body))).decode()


def parse_url(url):
    """(tls, host, port, path) of an http:// or https:// upload URL."""
    for scheme, tls, default in (("http://", False, 80), ("https://", True, 443)):
        if url.startswith(scheme):
            hostport, _, path = url[len(scheme):].partition("/")
            host, _, port = hostport.partition(":")
            if not host:
                break
            return tls, host, int(port or default), "/" + path
    raise ValueError("upload_url must be http(s)://host[:port]/path, got %r" % url)


def _same(a, b):
    """Constant-time comparison of two hex strings."""
    if len(a) != len(b):
        return False
    d = 0
    for x, y in zip(a, b):
        d |= ord(x) ^ ord(y)
    return d == 0


class UploadError(Exception):
    def __init__(self, msg, retry_after=None):
        super().__init__(msg)
        self.retry_after = retry_after


class Uplink:
    def __init__(self, cfg, store, clock=None, set_clock=None, ssl_context=None):
        self.store = store
        self.collector_id = cfg["collector_id"]
        self.key = binascii.unhexlify(cfg["upload_key"]) if cfg["upload_key"] else b""
        self.key_id = str(cfg.get("upload_key_id", "1"))
        self.url = cfg["upload_url"]
        self.tls, self.host, self.port, self.path = parse_url(self.url)
        self.every = int(cfg.get("upload_every_s", 60))
        self.batch = self.batch_max = int(cfg.get("batch", 10))
        self.connect_timeout = float(cfg.get("connect_timeout_s", 10))
        self.send_timeout = float(cfg.get("send_timeout_s", 20))
        self.read_timeout = float(cfg.get("read_timeout_s", 30))
        self.max_backoff = int(cfg.get("max_backoff_s", 600))
        self.ca = cfg.get("ca_cert")               # path of the CA certificate (DER or PEM)
        self.ssl_context = ssl_context
        self.clock = clock
        self.set_clock = set_clock
        self.sent = 0
        self.batches = 0
        self.failures = 0
        self.timeouts = 0
        self.last_error = None
        self.last_ok = None
        self.backoff = 0
        self.retry_after = None
        self.clock_sets = 0
        self.clock_offset_s = None
        self.time_queries = 0
        self.renumbered = 0
        self.memory_errors = 0
        self.refused = 0
        self.last_refused = None

    def status(self):
        return {"url": self.url, "sent": self.sent, "batches": self.batches,
                "failures": self.failures, "timeouts": self.timeouts,
                "last_error": self.last_error, "last_ok": self.last_ok,
                "backoff_s": self.backoff, "clock_sets": self.clock_sets,
                "time_queries": self.time_queries, "renumbered": self.renumbered,
                "memory_errors": self.memory_errors, "batch": self.batch,
                "clock_offset_s": self.clock_offset_s, "refused": self.refused,
                "last_refused": self.last_refused}

    def _now(self):
        if self.clock is not None:
            return int(self.clock())
        import time
        return int(time.time())

    def _ssl(self):
        """The server's certificate is always checked, against the CA in ca_cert
        (ingest_tls: one TLS definition for the collector)."""
        if self.ssl_context is None:
            import ingest_tls
            self.ssl_context = ingest_tls.client_context(self.ca)
        return self.ssl_context

    async def _open(self):
        if self.tls:
            conn = asyncio.open_connection(self.host, self.port, ssl=self._ssl(),
                                           server_hostname=self.host)
        else:
            conn = asyncio.open_connection(self.host, self.port)
        try:
            return await asyncio.wait_for(conn, self.connect_timeout)
        except asyncio.TimeoutError:
            raise UploadError("no connection to %s:%d within %d s"
                              % (self.host, self.port, self.connect_timeout))

    async def _read_answer(self, reader):
        status = await reader.readline()
        fields = status.split()
        code = int(fields[1]) if len(fields) > 1 else 0
        length = -1
        sig = ""
        while True:
            line = await reader.readline()
            if not line or line in (b"\r\n", b"\n"):
                break
            low = line.lower()
            if low.startswith(b"content-length:"):
                length = int(line.split(b":")[1])
            elif low.startswith(b"x-fordel-signature:"):
                sig = line.split(b":")[1].strip().decode()
            elif low.startswith(b"retry-after:") and line.split(b":")[1].strip().isdigit():
                self.retry_after = int(line.split(b":")[1])
        if length < 0 or length > 65536:
            raise UploadError("server answered %d without a usable Content-Length" % code)
        data = b""
        while len(data) < length:
            chunk = await reader.read(length - len(data))
            if not chunk:
                raise UploadError("answer cut after %d of %d bytes" % (len(data), length))
            data += chunk
        return code, sig, data

    async def post(self, parts):
        """Send one batch; (status code, answer dict) of a signed answer, else UploadError."""
        length = 0
        for p in parts:
            length += len(p)
        ctime = self._now()
        self.retry_after = None
        canon = canonical_request(self.path, self.collector_id, self.key_id, ctime, length)
        sig = binascii.hexlify(hmac_parts(self.key, [canon] + parts)).decode()
        reader, writer = await self._open()
        try:
            head = ("POST %s HTTP/1.1\r\nHost: %s\r\nX-Fordel-Collector: %s\r\n"
                    "X-Fordel-Key-Id: %s\r\nX-Fordel-Time: %d\r\n"
                    "X-Fordel-Signature: %s\r\nContent-Type: application/cbor\r\n"
                    "Content-Length: %d\r\n\r\n" % (self.path, self.host, self.collector_id,
                                                      self.key_id, ctime, sig, length))
            writer.write(head.encode())
            for p in parts:
                writer.write(p)
                await asyncio.wait_for(writer.drain(), self.send_timeout)
            code, asig, data = await asyncio.wait_for(self._read_answer(reader),
                                                      self.read_timeout)
        except asyncio.TimeoutError:
            self.timeouts += 1
            raise UploadError("no answer from %s:%d within the timeout" % (self.host, self.port))
        finally:
            writer.close()
            try:
                await asyncio.wait_for(writer.wait_closed(), 2)
            except Exception:  # the connection is gone either way
                pass
        if code not in (200, 409):
            raise UploadError("server answered %d: %s" % (code, data[:200]),
                              self.retry_after if code in (429, 503) else None)
        if not _same(asig, answer_signature(self.key, sig, data)):
            raise UploadError("server answer %d is not signed with our key" % code)
        return code, json.loads(data)

    def _clock_from(self, answer, sent_at):
        """The server stamps its answer between our sending and our reading of it: the
        clocks agree if its time falls in that window (give or take CLOCK_TOLERANCE_S);
        else ours is set to it (an answer read late, behind telegrams, must not set a right
        clock back; and set to the server's time, ours is never ahead of the server, which
        refuses readings from the future)."""
        t = answer.get("time")
        if not isinstance(t, int) or self.set_clock is None:
            return
        recv = self._now()
        self.clock_offset_s = t - max(sent_at, min(t, recv))
        if t < sent_at - CLOCK_TOLERANCE_S or t > recv + CLOCK_TOLERANCE_S:
            if self.set_clock(t):
                self.clock_sets += 1

    def clock_unset(self):
        return self.set_clock is not None and self._now() < CLOCK_VALID_AFTER

    async def ask_time(self):
        """An empty batch: the server answers with its time, which sets an unset clock (after
        power-up without NTP the collector stores nothing until then)."""
        sent_at = self._now()
        _code, answer = await self.post(batch_parts([]))
        self._clock_from(answer, sent_at)
        self.time_queries += 1

    async def upload_once(self):
        """Send one batch of pending records; returns how many were acknowledged."""
        recs = self.store.pending(self.batch)
        if not recs:
            if self.clock_unset():
                await self.ask_time()
            return 0
        sent_at = self._now()
        parts = batch_parts(recs)
        code, answer = await self.post(parts)
        self._clock_from(answer, sent_at)
        acked = answer.get("acked")
        acked = -1 if acked is None else int(acked)
        for seq, why in answer.get("refused", ()):
            self.refused += 1
            self.last_refused = "seq %s: %s" % (seq, why)
        n = 0
        if acked >= recs[0][0]:
            self.store.ack(acked)
            n = sum(1 for s, _ in recs if s <= acked)
            self.sent += n
            self.batches += 1
        if code != 200:
            nxt = answer.get("next_seq")
            if isinstance(nxt, int) and nxt > 0:
                # the server holds our numbers with other contents (a spare unit with the
                # old config, an erased flash): store the rest again above its highest and
                # send them at once under the new numbers
                recs = parts = None
                gc.collect()
                k = self.store.renumber(nxt)
                self.renumbered += k
                self.last_error = ("server: %s; %d records stored again from seq %d"
                                   % (answer.get("error"), k, nxt))
                if k:
                    return n + k
            raise UploadError("server kept %d of the batch: %s" % (n, answer.get("error")))
        if not n:
            raise UploadError("server acknowledged %d, batch starts at %d" % (acked, recs[0][0]))
        self.last_ok = sent_at
        return n

    async def run(self):
        while True:
            try:
                while await self.upload_once():
                    self.batch = min(self.batch_max, self.batch * 2)   # after a MemoryError
                self.backoff = 0
            except MemoryError as e:
                # the batch found no room in a fragmented heap: collect, send fewer at once
                self.failures += 1
                self.memory_errors += 1
                self.last_error = "MemoryError: %s; batch now %d" % (e, self.batch)
                self.batch = max(1, self.batch // 2)
                gc.collect()
                await asyncio.sleep(1)
                continue
            except Exception as e:  # network down, server error: keep records, retry later
                self.failures += 1
                self.last_error = "%s: %s" % (type(e).__name__, e)
                ra = getattr(e, "retry_after", None)
                if ra is not None:          # the server said when: no doubling
                    self.backoff = min(self.max_backoff, ra)
                else:
                    self.backoff = min(self.max_backoff, max(5, self.backoff * 2))
                await asyncio.sleep(self.backoff)
                continue
            await asyncio.sleep(self.every)

