"""Server-sent events for one chat: transcript lines, state changes and the live queue position.

Each transcript entry goes out with its Redis stream id as the SSE id, so a browser that
reconnects sends Last-Event-ID and resumes exactly after it; a page reload starts from "0" and
replays the whole conversation. Queue position is computed on every poll and sent when it changes.
A stream ends after `stream_seconds` so no worker thread is held for long; EventSource reconnects.
"""

from __future__ import annotations

import json
import math
import time
from collections.abc import Callable, Iterator
from typing import Any

from ivr.chat.config import ChatConfig
from ivr.chat.store import ChatStore
from live.sse import resume_point
from routing.chat_queue import ChatQueue, QueuePlace

__all__ = ["event_stream", "frame", "queue_frame", "resume_point"]


def event_stream(store: ChatStore, queue: ChatQueue, config: ChatConfig, session_id: str,
                 after: str, *, clock: Callable[[], float] = time.time) -> Iterator[str]:
    """Yield SSE frames for `session_id` from stream id `after` until the stream's time is up."""
    yield f"retry: {config.retry_milliseconds}\n\n"
    deadline = clock() + config.stream_seconds
    last_place: tuple[int, int] | None = None
    last_sent = clock()
    while clock() < deadline:
        entries = store.read(session_id, after, block_ms=config.poll_milliseconds)
        for entry_id, entry in entries:
            after = entry_id
            yield frame(entry, entry_id)
        session = store.load(session_id)
        if session is None:
            yield _event("expired", {})
            return
        if session.state == "queued":
            place = queue.place(session.queue_id, session_id, at=clock())
            if place is not None:
                minutes = math.ceil(place.estimated_wait_seconds / 60)
                if (place.position, minutes) != last_place:
                    last_place = (place.position, minutes)
                    yield queue_frame(place)
                    last_sent = clock()
        if session.state == "ended" and not entries:
            return
        if entries:
            last_sent = clock()
        elif clock() - last_sent >= config.keepalive_seconds:
            yield ": keep-alive\n\n"
            last_sent = clock()


def frame(entry: dict[str, Any], entry_id: str) -> str:
    """One transcript entry as an SSE frame: "message" (a line) or "status" (a state change)."""
    if entry.get("type") == "status":
        data = {"state": entry.get("state"), **(entry.get("detail") or {})}
        return _event("status", data, entry_id)
    data = {"from": entry.get("from"), "text": entry.get("text", ""),
            "buttons": entry.get("buttons") or []}
    return _event("message", data, entry_id)


def queue_frame(place: QueuePlace) -> str:
    """The "queue" frame: position, size and estimated wait."""
    minutes = math.ceil(place.estimated_wait_seconds / 60)
    return _event("queue", {"queue": place.queue_id, "position": place.position,
                            "size": place.size, "estimated_wait_minutes": minutes,
                            "estimated_wait_seconds": place.estimated_wait_seconds})


def _event(name: str, data: dict[str, Any], entry_id: str | None = None) -> str:
    head = f"id: {entry_id}\n" if entry_id else ""
    # json.dumps never emits a raw newline, so the data stays on one SSE line.
    return f"{head}event: {name}\ndata: {json.dumps(data)}\n\n"
