"""The upload's signed strings (docs/records.md, docs/ingest.md): one definition for the
collector's uplink (firmware/uplink.py) and the ingest server (fordel.ingest.server).

A request's X-Fordel-Signature is hex HMAC-SHA256(key, canonical_request(...) + body); the
answer's is hex HMAC-SHA256(key, b"".join(answer_parts(request signature, answer body)))."""

UPLOAD_PREFIX = b"fordel-upload-v2\n"
ANSWER_PREFIX = b"fordel-answer-v2\n"


def canonical_request(path, collector_id, key_id, ctime, length):
    """The header facts the request's signature covers, before the body."""
    return UPLOAD_PREFIX + ("POST\n%s\n%s\n%s\n%d\n%d\n"
                            % (path, collector_id, key_id, ctime, length)).encode()


def answer_parts(request_sig, body):
    """What the answer's signature covers, in pieces (the collector hashes them in turn):
    the request's signature binds the answer to the upload it acknowledges."""
    return (ANSWER_PREFIX, request_sig.encode(), b"\n", body)
