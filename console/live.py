"""The console's live streams: server-sent events of a Redis stream, behind one function.

`stream_response` hands the stream to the shared events mechanism (live/: the events front when
`make run` puts one in front of the app, else a worker thread), with the generic "raw" renderer:
each entry's `event` and `data` fields become one SSE frame, its Redis id the SSE id, so a
browser that reconnects resumes exactly after the last entry it saw.
"""

from __future__ import annotations

import redis
from flask import Response

from live import flask as live_flask


def stream_response(redis_client: redis.Redis, key: str) -> Response:
    """An event-stream response of the entries of stream `key` (after Last-Event-ID, if any)."""
    return live_flask.stream(redis_client, key, renderer="raw")
