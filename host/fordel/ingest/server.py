"""The upload endpoint collectors post to (wire format: firmware/uplink.py).

    POST /upload   signed CBOR batch -> 200 {"acked", "new", "duplicate", "refused", "time"}
                   409 a seq already held with different content (acked: what came before)
                   400 broken batch, 401 unknown collector/key id/bad signature, 408 body too
                   slow, 411/413 length missing/too large, 429 rate limit, 503 busy
    GET  /status   fleet status (db.fleet + live counters); needs `Authorization: Bearer
                   <status token>`

Server stack: uvicorn (httptools parser) running a Starlette app. Chosen because uvicorn
gives what an exposed endpoint needs without our own socket code: a listen backlog, keep-
alive idle timeout, concurrency limit, TLS from the ssl module, and ASGI flow control, so
the app pulls the body chunk by chunk only after it has checked the headers (unknown
collector, key id, length, rate) and the body limit holds while reading. What uvicorn lacks
is a deadline for the request head (a client that connects and sends nothing, or dribbles
a header, would hold its connection for good): HeadTimeoutProtocol adds it.

Errors are answered as JSON {"error": reason} and counted per collector (collector_stats).
"""
import asyncio
import concurrent.futures
import gc
import hashlib
import hmac
import json
import logging
import os
import select
import socket
import sys
import threading
import time

import cbor2
import uvicorn
from meterrecord import RecordError, from_map
from meterrecord.upload import answer_parts, canonical_request
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.supervisors.multiprocess import Process as UvicornProcess

from . import balance, ratelimit, workercounts
from .checks import check_batch_record, meter_clock, record_problem
from .db import BatchItem, open_db
from .registry import Registry, from_keys

log = logging.getLogger("fordel.ingest")


class Limits:
    max_body = 256 * 1024            # bytes; a batch of 100 records is ~40 KB
    head_timeout_s = 10.0            # connection open -> request head complete
    read_timeout_s = 10.0            # between two pieces of the body
    body_timeout_s = 30.0            # the whole body
    keep_alive_s = 5                 # idle between requests
    rate_per_s = 5.0                 # uploads a collector may make, sustained (from one address)
    rate_burst = 30
    uploads_at_once = 256            # bodies being read at the same time
    backlog = 2048
    max_connections = 4000           # beyond: 503
    shutdown_s = 10                  # a stop waits this long for requests in progress


def answer_signature(key, request_sig, body):
    return hmac.new(key, b"".join(answer_parts(request_sig, body)), hashlib.sha256).hexdigest()


class Refusal(Exception):
    """An upload answered with `code` and the reason. close: the connection cannot carry
    another request (its body was cut or has no known end); other refusals keep it open
    and uvicorn skips the unread body as it arrives (not buffered), so the client reads
    the reason instead of a reset."""

    def __init__(self, code, reason, counter=None, headers=None, close=False):
        super().__init__(reason)
        self.code, self.reason, self.counter, self.headers = code, reason, counter, headers
        self.close = close or code in (408, 411, 413)


def _header(headers, name, what):
    v = headers.get(name)
    if v is None:
        raise Refusal(400 if name != b"x-fordel-signature" else 401, "no %s header" % what)
    return v


GROUP_MAX = 64          # batches written in one transaction at most


class Ingest:
    """The app's state: database, registry, limits, live counters."""

    def __init__(self, db, registry, limits=None, status_token=None, clock=time.time,
                 workers=None, buckets=None, answer_counts=None):
        self.db = db
        self.registry = registry
        self.limits = limits or Limits()
        self.status_token = status_token
        self.clock = clock
        one_writer = not str(getattr(db, "path", "")).startswith("postgres")
        if hasattr(db, "checkpoint_in_background"):         # SQLite
            db.checkpoint_in_background()
        self.writes_inline = hasattr(db, "lock_writer")       # SQLite (_write_queue)
        self.lock_pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=1, thread_name_prefix="ingest-lock") if self.writes_inline else None
        self.queue = []
        self.writing = False
        self.lock_taken = False         # SQLite: the writers' lock is this loop's to use
        self.pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=workers or (1 if one_writer else 8), thread_name_prefix="ingest-db")
        # upload rate buckets and answer counts: --workers passes the files all workers
        # map; one process keeps its own
        self.buckets = buckets or balance.private(ratelimit.SharedBuckets,
                                                  ratelimit.create_file)
        self.answer_counts = answer_counts or balance.private(workercounts.SharedAnswers,
                                                              workercounts.create_file)
        self.locks = {}
        self.uploading = None
        self.pending_notes = {}       # (collector, counter) -> n, flushed to the db
        self.refused = 0
        self.last_flush = self.last_refresh = time.monotonic()

    def now(self):
        return int(self.clock())

    # --- counting ------------------------------------------------------------------------
    def count(self, collector_id, counter, error):
        k = (collector_id, counter)
        n, _ = self.pending_notes.get(k, (0, None))
        self.pending_notes[k] = (n + 1, error)

    async def flush_notes(self, force=False):
        if not self.pending_notes or (not force and time.monotonic() - self.last_flush < 2):
            return
        notes, self.pending_notes = self.pending_notes, {}
        self.last_flush = time.monotonic()
        now = self.now()
        for (cid, counter), (n, error) in notes.items():
            await self.run(self.db.note, cid, now, error=error, **{counter: n})

    async def run(self, fn, *a, **kw):
        return await asyncio.get_running_loop().run_in_executor(
            self.pool, lambda: fn(*a, **kw))

    async def store(self, *batch):
        """db.add_batch through one writer: batches that arrive while it is busy are
        committed together (group commit; SQLite has one writer anyway, and on PostgreSQL
        it took 10 collectors from ~22,000 to ~31,000 records/s in make bench)."""
        fut = asyncio.get_running_loop().create_future()
        self.queue.append((batch, fut))
        self.write_if_locked()
        if not self.writing:
            self.writing = True
            asyncio.get_running_loop().create_task(self._write_queue())
        return await fut

    async def _write_queue(self):
        """The queued batches in groups: SQLite's written by write_if_locked once the
        writers' lock is taken; PostgreSQL's in the pool's threads (the database server does
        the work)."""
        try:
            while self.queue:
                if self.writes_inline:      # SQLite: written by write_if_locked
                    await self._lock_writer()
                    self.write_if_locked()
                    continue
                group, self.queue = self.queue[:GROUP_MAX], self.queue[GROUP_MAX:]
                self._answer(group, await self.run(self._add_group,
                                                   [b for b, _ in group]))
        finally:
            self.writing = False

    def write_if_locked(self):
        """SQLite: once this worker holds the writers' lock (taken in a thread, see
        _lock_writer), write the queued group on the event loop and let go of the lock.

        Called where the loop is between two uploads' work (before an upload's records are
        decoded, and when a batch is queued) as well as by _write_queue, so the lock is
        used within one batch's decode of being taken. Left to _write_queue alone, its turn
        came after every upload ready to decode (50 batches at once in make bench), while
        the other workers waited for the lock: 50-80 ms of the slowest uploads' time."""
        if not self.lock_taken:
            return
        self.lock_taken = False
        if not self.queue:
            self.db.unlock_writer()
            return
        try:
            group, self.queue = self.queue[:GROUP_MAX], self.queue[GROUP_MAX:]
            results = self._add_group([b for b, _ in group])
        finally:
            self.db.unlock_writer()
        self._answer(group, results)

    @staticmethod
    def _answer(group, results):
        for (_, fut), res in zip(group, results):
            if fut.done():
                continue
            if isinstance(res, Exception):
                fut.set_exception(res)
            else:
                fut.set_result(res)

    async def _lock_writer(self):
        """SQLite: the writers' lock, waited for in a thread (the event loop decodes the
        uploads meanwhile); write_if_locked writes the group queued by then."""
        def take(loop_thread):
            self.db.lock_writer(loop_thread)
            self.lock_taken = True

        fut = asyncio.get_running_loop().run_in_executor(self.lock_pool, take,
                                                         threading.get_ident())
        try:
            await asyncio.shield(fut)
        except asyncio.CancelledError:      # taken after all and not used: let go of it
            def let_go(f):
                if not f.exception() and self.lock_taken:
                    self.lock_taken = False
                    self.db.unlock_writer()
            fut.add_done_callback(let_go)
            raise

    def _add_group(self, batches):
        """db.add_batches; if the group fails, batch by batch (one bad batch must not fail
        the others)."""
        try:
            return self.db.add_batches(batches)
        except Exception:
            results = []
            for b in batches:
                try:
                    results.append(self.db.add_batch(*b))
                except Exception as e:
                    results.append(e)
            return results

    # --- upload --------------------------------------------------------------------------
    async def upload(self, request):
        try:
            code, obj, headers = await self._upload(request)
        except Refusal as e:
            code, obj, headers = e.code, {"error": e.reason}, dict(e.headers or {})
            if e.close:
                headers["Connection"] = "close"
        except Exception as e:  # a bug must still answer, and say what
            log.exception("upload failed")
            code, obj, headers = 500, {"error": "internal error: %s: %s"
                                       % (type(e).__name__, e)}, {}
        self.answer_counts.add(code)
        if code != 200:
            self.refused += 1
        body = json.dumps(obj).encode()
        sign = headers.pop("_sign", None)
        if sign:
            headers["X-Fordel-Signature"] = answer_signature(sign[0], sign[1], body)
        await self.flush_notes()
        return Response(body, code, headers=headers, media_type="application/json")

    def _authenticate_head(self, h):
        try:
            cid = _header(h, b"x-fordel-collector", "X-Fordel-Collector").decode("utf-8")
        except UnicodeDecodeError:
            raise Refusal(400, "X-Fordel-Collector is not UTF-8")
        coll = self.registry.get(cid)
        if coll is None:
            self.count("?unknown", "auth_failures", "unknown collector %r" % cid[:64])
            raise Refusal(401, "unknown collector %r" % cid)
        kid = h.get(b"x-fordel-key-id", b"1").decode("latin-1")
        key = coll.keys.get(kid)
        if key is None:
            self.count(cid, "auth_failures", "unknown key id %r" % kid[:32])
            raise Refusal(401, "collector %r has no key id %r" % (cid, kid), "auth_failures")
        sig = _header(h, b"x-fordel-signature", "X-Fordel-Signature")
        if len(sig) != 64 or not all(c in b"0123456789abcdefABCDEF" for c in sig):
            self.count(cid, "auth_failures", "signature header is not 64 hex digits")
            raise Refusal(401, "X-Fordel-Signature must be 64 hex digits")
        t = _header(h, b"x-fordel-time", "X-Fordel-Time")
        if not t.isdigit() or len(t) > 18:
            raise Refusal(400, "X-Fordel-Time %r is not unix seconds" % t[:40].decode("latin-1"))
        return coll, kid, key, sig.decode().lower(), int(t)

    def _length(self, h):
        cl = h.get(b"content-length")
        if cl is None:
            raise Refusal(411, "Content-Length required")
        if not cl.isdigit():
            raise Refusal(400, "Content-Length %r is not a number" % cl[:40].decode("latin-1"),
                          close=True)
        n = int(cl)
        if n == 0:
            raise Refusal(400, "empty upload")
        if n > self.limits.max_body:
            raise Refusal(413, "Content-Length %d over the limit of %d bytes"
                          % (n, self.limits.max_body))
        return n

    def _rate(self, cid, client):
        """Token bucket per collector id and address: a client that only knows a collector's
        id (not its key) cannot use up that collector's uploads from elsewhere."""
        k = (cid, client[0] if client else None)
        wait = self.buckets.take("%s\n%s" % k, self.limits.rate_per_s, self.limits.rate_burst)
        if wait:
            self.count(cid, "rate_limited", "over %.1f uploads/s" % self.limits.rate_per_s)
            raise Refusal(429, "collector %r over %.1f uploads/s; retry in %.1f s"
                          % (cid, self.limits.rate_per_s, wait),
                          headers={"Retry-After": str(int(wait) + 1)})

    async def _read_body(self, request, n):
        lim = self.limits
        loop = asyncio.get_running_loop()
        deadline = loop.time() + lim.body_timeout_s
        parts, got = [], 0
        while True:
            left = min(lim.read_timeout_s, deadline - loop.time())
            try:
                msg = await asyncio.wait_for(request.receive(), max(0.01, left))
            except asyncio.TimeoutError:
                raise Refusal(408, "body: %d of %d bytes, then nothing for %.0f s"
                              % (got, n, left))
            if msg["type"] == "http.disconnect":
                raise Refusal(400, "client went away after %d of %d bytes" % (got, n),
                              close=True)
            chunk = msg.get("body", b"")
            got += len(chunk)
            if got > n:
                raise Refusal(400, "body longer than its Content-Length %d" % n, close=True)
            parts.append(chunk)
            if not msg.get("more_body"):
                break
        if got != n:
            raise Refusal(400, "body of %d bytes, Content-Length said %d" % (got, n),
                          close=True)
        return b"".join(parts)

    async def _upload(self, request):
        if time.monotonic() - self.last_refresh > 2:
            self.last_refresh = time.monotonic()
            if self.registry.refresh():
                log.warning(self.registry.reload_error)
        h = {k: v for k, v in request.scope["headers"]}
        if h.get(b"transfer-encoding"):
            raise Refusal(411, "chunked uploads are not accepted; send Content-Length")
        coll, kid, key, sig, ctime = self._authenticate_head(h)
        cid = coll.collector_id
        n = self._length(h)
        self._rate(cid, request.scope.get("client"))
        if self.uploading is None:
            self.uploading = asyncio.Semaphore(self.limits.uploads_at_once)
        if self.uploading.locked():
            raise Refusal(503, "server busy: %d uploads in progress; retry later"
                          % self.limits.uploads_at_once, headers={"Retry-After": "5"})
        async with self.uploading:
            body = await self._read_body(request, n)
        self.write_if_locked()
        canon = canonical_request(request.url.path, cid, kid, ctime, n)
        want = hmac.new(key, canon + body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(want, sig):
            self.count(cid, "auth_failures", "bad signature")
            raise Refusal(401, "bad signature for collector %r key id %r" % (cid, kid))
        signed = {"_sign": (key, sig)}
        now = self.now()
        try:
            items = self._batch(body, coll, now)
        except Refusal as e:
            self.count(cid, "bad_uploads", e.reason[:300])
            e.headers = signed
            raise
        if not items:       # an empty batch asks the time (a collector's clock unset)
            return 200, {"acked": -1, "new": 0, "duplicate": 0, "refused": [],
                         "time": self.now()}, signed
        lock = self.locks.setdefault(cid, asyncio.Lock())
        client = request.scope.get("client")
        async with lock:
            res = await self.store(cid, items, now, client[0] if client else None,
                                   now - ctime)
        answer = {"acked": res["acked"], "new": res["new"], "duplicate": res["duplicate"],
                  "refused": res["refused"], "time": self.now()}
        if res["conflict"]:
            answer["error"] = res["conflict"]
            # where the collector's numbers are free: it stores the rest again from there
            answer["next_seq"] = 1 + await self.run(self.db.max_seq, cid)
            return 409, answer, signed
        return 200, answer, signed

    def _batch(self, body, coll, now):
        """BatchItems in seq order, each with what keeps it from being a reading."""
        try:
            raws = cbor2.loads(body)
        except Exception as e:  # cbor2 raises several types for broken input
            raise Refusal(400, "body is not CBOR (%s)" % e)
        if not isinstance(raws, list) or not all(type(r) is bytes for r in raws):
            raise Refusal(400, "body must be a CBOR array of byte strings")
        items = {}
        for i, raw in enumerate(raws):
            try:
                rec = from_map(cbor2.loads(raw))
            except RecordError as e:
                raise Refusal(400, "record %d of the batch: %s" % (i, e))
            except Exception as e:
                raise Refusal(400, "record %d of the batch: broken CBOR: %s" % (i, e))
            why = check_batch_record(rec, coll.collector_id, i)
            if why:
                raise Refusal(400, why)
            seq = rec["seq"]
            if seq in items:
                if items[seq].raw != raw:
                    raise Refusal(400, "seq %d twice in the batch with different content"
                                  % seq)
                continue
            problem = record_problem(rec, coll, now)
            mt = None if problem else meter_clock(rec["values"])
            items[seq] = BatchItem(seq, raw, rec, problem, mt).prepare(coll.collector_id,
                                                                       now)
        return [items[s] for s in sorted(items)]

    # --- status --------------------------------------------------------------------------
    async def status(self, request):
        auth = request.headers.get("authorization", "")
        if not self.status_token:
            return JSONResponse({"error": "status is off: start ingest with a status token"},
                                403)
        if not hmac.compare_digest(auth.encode("utf-8", "replace"),
                                   b"Bearer " + self.status_token.encode()):
            return JSONResponse({"error": "status needs Authorization: Bearer <token>"}, 401,
                                headers={"WWW-Authenticate": "Bearer"})
        days = request.query_params.get("silent_days", "3")
        if not days.isdigit():
            return JSONResponse({"error": "silent_days must be a whole number"}, 400)
        await self.flush_notes(force=True)
        st = await self.run(self.db.fleet, self.now(), int(days))
        st["answers"] = self.answer_counts.counts()
        st["registry_error"] = self.registry.reload_error
        st["unrestricted_collectors"] = self.registry.unrestricted()
        return JSONResponse(st)


def make_app(ingest):
    async def not_found(request, exc):
        return JSONResponse({"error": "%s %s: %s" % (request.method, request.url.path,
                                                     exc.detail)}, exc.status_code)

    return Starlette(routes=[Route("/upload", ingest.upload, methods=["POST"]),
                             Route("/status", ingest.status, methods=["GET"])],
                     exception_handlers={HTTPException: not_found})


class HeadTimeoutProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline for each request head, and the parser's
    own reason in its 400 answer (e.g. a Content-Length that is not a number)."""
    head_timeout_s = Limits.head_timeout_s

    max_head = 16384

    def connection_made(self, transport):
        super().connection_made(transport)
        self._in_head = True
        self._arm()

    def _arm(self):
        self._head_bytes = 0
        self._head_timer = self.loop.call_later(self.head_timeout_s, self._head_late)

    def data_received(self, data):
        super().data_received(data)
        if self._in_head:                        # a request head still incomplete: bounded
            self._head_bytes += len(data)
            if self._head_bytes > self.max_head and not self.transport.is_closing():
                self.send_400_response("request head over %d bytes" % self.max_head,
                                       code=431)

    def _head_late(self):
        if not self.transport.is_closing():
            self.send_400_response("no complete request head within %.0f s"
                                   % self.head_timeout_s, code=408)

    def on_message_begin(self):
        super().on_message_begin()
        self._in_head = True
        if getattr(self, "_head_timer", None) is not None:
            self._head_timer.cancel()
        self._arm()                    # the head of this request has its own deadline

    def on_headers_complete(self):
        self._in_head = False
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None
        super().on_headers_complete()

    def on_response_complete(self):
        super().on_response_complete()
        if self._head_timer is None and not self.transport.is_closing():
            self._arm()

    def connection_lost(self, exc):
        if getattr(self, "_head_timer", None) is not None:
            self._head_timer.cancel()
            self._head_timer = None
        super().connection_lost(exc)
        if AcceptingServer.shares is not None:      # a worker of several: its load, told
            AcceptingServer.shares.publish(len(self.server_state.connections))

    def send_400_response(self, msg, code=400):
        err = sys.exc_info()[1]
        if err is not None:
            msg = "bad HTTP request: %s" % err
        body = json.dumps({"error": msg}).encode("ascii")
        status = {408: b"HTTP/1.1 408 Request Timeout\r\n",
                  431: b"HTTP/1.1 431 Request Header Fields Too Large\r\n"}.get(
                      code, b"HTTP/1.1 400 Bad Request\r\n")
        self.transport.write(status + b"content-type: application/json\r\ncontent-length: "
                             + str(len(body)).encode() + b"\r\nconnection: close\r\n\r\n"
                             + body)
        self.transport.close()


def uvicorn_config(app, host, port, limits, tls=None, workers=1):
    """app: the Starlette app, or with workers > 1 the import string of a factory (each
    worker process builds its own; uvicorn's supervisor shares the listening socket)."""
    if limits.head_timeout_s == HeadTimeoutProtocol.head_timeout_s:
        proto = "fordel.ingest.server:HeadTimeoutProtocol"      # importable by a worker
    else:
        proto = type("Proto", (HeadTimeoutProtocol,), {"head_timeout_s": limits.head_timeout_s})
    kw = {}
    if tls:
        kw = {"ssl_certfile": tls[0], "ssl_keyfile": tls[1]}
    if workers > 1:
        kw.update(workers=workers, factory=True)
    return uvicorn.Config(app, host=host, port=port, http=proto, lifespan="off",
                          backlog=limits.backlog, timeout_keep_alive=limits.keep_alive_s,
                          limit_concurrency=limits.max_connections, access_log=False,
                          log_level="warning", server_header=False,
                          timeout_graceful_shutdown=limits.shutdown_s, **kw)


WORKER_SETTINGS = "FORDEL_INGEST_WORKER"


def serve_workers(settings, host, port, limits, tls, workers):
    """`fordel ingest --workers N`: N processes (uvicorn's supervisor: a worker that dies is
    started again, SIGHUP restarts them all) on one listening socket, each with its own
    event loop and database connections; exactly-once holds across them because the
    database's key (collector, seq) decides and writes are serialised by the database
    (SQLite: BEGIN IMMEDIATE; PostgreSQL: the key). The upload rate limit is shared by
    the workers (ratelimit.py); uploads at once and connections are per worker. settings:
    what worker_app needs, passed in the environment (the status token included: it never
    appears on a command line)."""
    from uvicorn.supervisors import multiprocess
    os.environ[WORKER_SETTINGS] = json.dumps(settings)
    cfg = uvicorn_config("fordel.ingest.server:worker_app", host, port, limits, tls, workers)
    multiprocess.Process = AcceptingProcess       # the supervisor's workers: ours
    os.environ[balance.SHARES_FILE] = shares = balance.create_file()
    os.environ[ratelimit.BUCKETS_FILE] = rates = ratelimit.create_file()
    os.environ[workercounts.COUNTS_FILE] = answers = workercounts.create_file()
    try:
        sock = cfg.bind_socket()
        sock.listen(limits.backlog)     # asyncio's create_server did it in each worker
        multiprocess.Multiprocess(cfg, sockets=[sock]).run()
    finally:
        os.unlink(shares)
        os.unlink(rates)
        os.unlink(answers)


class AcceptingServer(uvicorn.Server):
    """A worker's server that takes connections from the shared listening socket in a
    thread, each time only while it holds no more open
    connections than the least loaded other worker (balance.py: why, and the bound on the
    wait). A worker's event loop serves them as before."""
    shares = None           # balance.WorkerShares of this worker process
    accepted = adopted = 0  # connections taken (accept thread), served (event loop)

    async def startup(self, sockets=None):
        if not sockets:
            return await super().startup(sockets)
        await self.lifespan.startup()
        loop = asyncio.get_running_loop()
        config = self.config

        def protocol():
            return config.http_protocol_class(config=config, server_state=self.server_state,
                                              app_state=self.lifespan.state, _loop=loop)

        self.servers = []
        AcceptingServer.shares = balance.WorkerShares(os.environ[balance.SHARES_FILE])
        for sock in sockets:
            threading.Thread(target=self._accept_loop, args=(sock, loop, protocol),
                             daemon=True, name="ingest-accept").start()
        self.started = True

    def _accept_loop(self, listener, loop, protocol):
        """Polls (0.2 s), so a stopping worker leaves new connections to the others."""
        listener.setblocking(False)     # every worker's copy: the same open socket
        listener.listen(self.config.backlog)
        poller = select.poll()
        poller.register(listener, select.POLLIN)
        while not self.should_exit:
            self.shares.wait_turn(self._open_connections)
            if not poller.poll(200):
                continue
            try:
                conn, _ = listener.accept()
            except BlockingIOError:     # another worker took it
                continue
            except OSError as e:        # out of descriptors, ...: the queue waits meanwhile
                if self.should_exit:
                    return
                log.warning("accept: %s", e)
                time.sleep(0.1)
                continue
            if self.should_exit:        # stopping: it is not served here; the client retries
                _refuse_connection(conn)
                continue
            conn.setblocking(False)
            conn.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            AcceptingServer.accepted += 1
            adopt = self._adopt(loop, conn, protocol)
            try:
                asyncio.run_coroutine_threadsafe(adopt, loop)
            except RuntimeError:        # the event loop has ended: the worker is exiting
                adopt.close()
                _refuse_connection(conn)
                return

    def _open_connections(self):
        waiting = AcceptingServer.accepted - AcceptingServer.adopted     # one writer each
        return len(self.server_state.connections) + waiting

    async def _adopt(self, loop, conn, protocol):
        try:
            await loop.connect_accepted_socket(protocol, conn, ssl=self.config.ssl)
        except Exception as e:          # a failed TLS handshake, a reset: that client's
            log.info("connection not taken: %s", e)
            conn.close()
        finally:
            AcceptingServer.adopted += 1


def _refuse_connection(conn):
    body = json.dumps({"error": "ingest worker stopping; retry"}).encode()
    try:
        conn.settimeout(1)
        conn.sendall(b"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n"
                     b"retry-after: 1\r\nconnection: close\r\ncontent-length: %d\r\n\r\n"
                     % len(body) + body)
    except OSError:
        pass
    conn.close()


class AcceptingProcess(UvicornProcess):
    """uvicorn's worker process (uvicorn.supervisors.multiprocess.Process) with an
    AcceptingServer."""

    @property
    def server(self):
        if self._server is None:
            self._server = AcceptingServer(config=self.config)
        return self._server


# young objects between two collections of the cyclic garbage collector in a serving
# process (Python's default: 700); see settle_gc
GC_YOUNG_OBJECTS = 50_000


def settle_gc():
    """For a process that serves ingest, once its code is loaded: the objects that live as
    long as the process (modules, classes, the registry) are put out of the cyclic garbage
    collector's reach, and it runs after 50,000 new objects instead of 700. An upload's
    records are freed as soon as it is answered (they form no cycles), but the collector
    went through the records of every upload in flight again and again, and through the
    whole heap now and then: in make bench that was 6-7 % of a worker's CPU, and pauses of
    up to 28 ms."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(GC_YOUNG_OBJECTS, 10, 10)


def worker_app():
    """The app of one worker process (serve_workers)."""
    st = json.loads(os.environ[WORKER_SETTINGS])
    limits = Limits()
    limits.rate_per_s, limits.max_body = st["rate"], st["max_body"]
    ingest = Ingest(open_db(st["db"]), Registry(st["collectors"]), limits, st["token"],
                    buckets=ratelimit.SharedBuckets(os.environ[ratelimit.BUCKETS_FILE]),
                    answer_counts=workercounts.SharedAnswers(
                        os.environ[workercounts.COUNTS_FILE]))
    app = make_app(ingest)
    settle_gc()
    return app


class IngestHandle:
    """A running ingest (a thread with its own event loop) for tests, the HIL rig and the
    demo: .server_address, .db, .ingest, .refused, .shutdown()."""

    def __init__(self, ingest, host, port, tls=None):
        self.ingest = ingest
        self.db = ingest.db
        self.server = uvicorn.Server(uvicorn_config(make_app(ingest), host, port,
                                                    ingest.limits, tls))
        self.thread = threading.Thread(target=self.server.run, daemon=True,
                                       name="ingest-server")
        self.thread.start()
        t0 = time.monotonic()
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() - t0 > 30:
                raise RuntimeError("ingest server did not start on %s:%d" % (host, port))
            time.sleep(0.01)
        self.server_address = self.server.servers[0].sockets[0].getsockname()[:2]

    @property
    def refused(self):
        return self.ingest.refused

    def shutdown(self):
        self.server.should_exit = True
        self.thread.join(15)
        self.ingest.pool.shutdown(wait=True)
        if self.ingest.lock_pool is not None:
            self.ingest.lock_pool.shutdown(wait=True)
        if self.ingest.lock_taken:      # taken for a write the stopped event loop never did
            self.ingest.lock_taken = False
            self.db.unlock_writer()
        if self.ingest.pending_notes:
            now = self.ingest.now()
            for (cid, counter), (n, error) in self.ingest.pending_notes.items():
                self.db.note(cid, now, error=error, **{counter: n})
            self.ingest.pending_notes = {}


def serve_in_thread(db_path, collector_keys, host="127.0.0.1", port=0, meters=None,
                    registry=None, limits=None, status_token=None, tls=None, clock=time.time):
    """Serve ingest on host:port (0: a free port) in a background thread.
    collector_keys: {collector_id: key bytes} (key id "1"; meters: {id: [meter ids]} or None
    for any meter), or registry: a Registry (the collectors file)."""
    if limits is None:          # the HIL rig and the demo run days in minutes
        limits = Limits()
        limits.rate_per_s, limits.rate_burst = 1000.0, 1000
    reg = registry or Registry(collectors=from_keys(collector_keys, meters))
    db = db_path if hasattr(db_path, "add_batch") else open_db(db_path)
    return IngestHandle(Ingest(db, reg, limits, status_token, clock), host, port, tls)
