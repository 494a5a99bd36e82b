"""The Flask side: a view authorises the follower, then `stream()` hands the stream over.

Behind the events front (`python -m live.front`) the view answers at once with headers naming the
stream, and the front streams it with no worker thread held. Served straight by gunicorn or a
test client, the same call streams from the worker instead (a thread per follower: fine for
tests and small sites).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any

from flask import Response, request

from live.sse import KEEPALIVE, resume_point, sse

FRONT_HEADER = "X-Live-Front"  # set by the front on every GET it forwards; stripped from clients
STREAM_HEADER = "X-Live-Stream"
RENDERER_HEADER = "X-Live-Renderer"
AFTER_HEADER = "X-Live-After"
PARAMS_HEADER = "X-Live-Params"
SSE_HEADERS = {"Cache-Control": "no-store", "X-Accel-Buffering": "no"}


def behind_front() -> bool:
    """Whether this request came through the events front."""
    return request.headers.get(FRONT_HEADER) == "1"


def requested_after() -> str:
    """The stream id to resume after: Last-Event-ID, or ?after=, else "0" (everything)."""
    return resume_point(request.headers.get("Last-Event-ID") or request.args.get("after"))


def stream(redis_client: Any, key: str, *, renderer: str = "raw",
           params: dict[str, Any] | None = None,
           fallback: Callable[[str], Iterator[str]] | None = None) -> Response:
    """Serve Redis stream `key` as server-sent events to a follower the view has authorised.

    `renderer` names how entries become frames in the front (live.sse.RENDERERS); `fallback`
    builds the same frames in-process when there is no front (default: the raw renderer).
    """
    after = requested_after()
    if behind_front():
        headers = {STREAM_HEADER: key, RENDERER_HEADER: renderer, AFTER_HEADER: after,
                   PARAMS_HEADER: json.dumps(params or {})}
        return Response(status=200, headers=headers)
    frames = fallback(after) if fallback else raw_frames(redis_client, key, after)
    return Response(frames, mimetype="text/event-stream", headers=SSE_HEADERS)


def raw_frames(redis_client: Any, key: str, after: str, *, seconds: float = 25.0,
               keepalive_seconds: float = 10.0, clock: Callable[[], float] = time.monotonic
               ) -> Iterator[str]:
    """The raw renderer's frames from a worker thread, for `seconds`, then the browser retries."""
    yield "retry: 1000\n\n"
    deadline, last_sent = clock() + seconds, clock()
    while clock() < deadline:
        answer = redis_client.xread({key: after}, count=200, block=1000)
        for entry_id, fields in answer[0][1] if answer else []:
            after = entry_id
            yield sse(fields.get("event", "message"), fields.get("data", "{}"), entry_id)
            last_sent = clock()
        if clock() - last_sent >= keepalive_seconds:
            yield KEEPALIVE
            last_sent = clock()
