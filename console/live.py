"""The console's live streams: server-sent events read from a Redis stream.

Everything live on a console page goes through `stream_response`, so the mechanism behind it
(today one request thread per open stream, as ivr/chat/events.py does) can be swapped in one
place. Each entry's Redis id is the SSE id: a browser that reconnects sends Last-Event-ID and
resumes exactly after it. A stream ends after `seconds`, and EventSource reconnects by itself.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator

import redis
from flask import Response

KEEPALIVE_SECONDS = 10.0  # a comment line now and then keeps proxies from closing the stream
_STREAM_ID = re.compile(r"^\d{1,20}-\d{1,20}$")


def resume_point(last_event_id: str | None) -> str:
    """After a well-formed Last-Event-ID, else from now ("$")."""
    return last_event_id if last_event_id and _STREAM_ID.match(last_event_id) else "$"


def stream_response(redis_client: redis.Redis, key: str, after: str, *, seconds: float = 25.0,
                    block_ms: int = 1000, retry_ms: int = 1000) -> Response:
    """An event-stream response of the entries of stream `key` after id `after`."""
    return Response(_frames(redis_client, key, after, seconds, block_ms, retry_ms),
                    mimetype="text/event-stream",
                    headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


def _frames(redis_client: redis.Redis, key: str, after: str, seconds: float, block_ms: int,
            retry_ms: int) -> Iterator[str]:
    yield f"retry: {retry_ms}\n\n"
    if after == "$":
        # Resolve "now" to a real id once, so entries between two reads are never skipped.
        last = redis_client.xrevrange(key, count=1)
        after = last[0][0] if last else "0"
    deadline = quiet_since = time.monotonic()
    deadline += seconds
    while time.monotonic() < deadline:
        answer = redis_client.xread({key: after}, block=block_ms, count=100)
        if not answer:
            if time.monotonic() - quiet_since >= KEEPALIVE_SECONDS:
                quiet_since = time.monotonic()
                yield ": keep-alive\n\n"
            continue
        for entry_id, fields in answer[0][1]:
            after = entry_id
            # The data is JSON written by ivr.dispatch.notify_adviser: one line, no newline.
            event, data = fields.get("event", "message"), fields.get("data", "{}")
            yield f"id: {entry_id}\nevent: {event}\ndata: {data}\n\n"
