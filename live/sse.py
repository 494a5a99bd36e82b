"""Server-sent event frames, renderers (stream entry -> frames), and the streaming loop."""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from live.hub import Hub

log = logging.getLogger(__name__)
_STREAM_ID = re.compile(r"^\d{1,20}-\d{1,20}$")
KEEPALIVE = ": keep-alive\n\n"


def resume_point(last_event_id: str | None) -> str:
    """Where to start reading: after a well-formed Last-Event-ID, else from the beginning."""
    return last_event_id if last_event_id and _STREAM_ID.match(last_event_id) else "0"


def sse(name: str, data: Any, entry_id: str | None = None) -> str:
    """One SSE frame; `data` is JSON-encoded unless it is already a string of JSON."""
    payload = data if isinstance(data, str) else json.dumps(data)
    # JSON never holds a raw newline, so the data stays on one SSE line; refuse anything else.
    payload = payload.replace("\n", " ")
    head = f"id: {entry_id}\n" if entry_id else ""
    return f"{head}event: {name}\ndata: {payload}\n\n"


@dataclass
class StreamContext:
    """What a renderer may know about the stream it draws: its key, Redis and the view's params."""

    key: str
    redis: Any  # redis.asyncio.Redis
    params: dict[str, Any] = field(default_factory=dict)


class Renderer:
    """Turns stream entries into SSE frames; `raw`: fields "event" and "data" become the frame.

    Subclasses may override `tick()` (called every `tick_seconds` when nothing arrived) to send
    derived frames, and set `finished` to end the stream (the browser then reconnects or stops).
    """

    tick_seconds: float = 15.0

    def __init__(self, context: StreamContext) -> None:
        self.context = context
        self.finished = False

    def frames(self, entry_id: str, fields: dict[str, str]) -> list[str]:
        """The frames for one entry."""
        return [sse(fields.get("event", "message"), fields.get("data", "{}"), entry_id)]

    async def tick(self) -> list[str]:
        """Frames to send although no entry arrived (none by default)."""
        return []


RENDERERS: dict[str, Callable[[StreamContext], Renderer]] = {"raw": Renderer}


def register(name: str, factory: Callable[[StreamContext], Renderer]) -> None:
    """Make a renderer available to views under `name` (call at import of a plug-in module)."""
    RENDERERS[name] = factory


@dataclass(frozen=True)
class StreamLimits:
    """How a stream behaves on the wire."""

    retry_milliseconds: int = 1000
    keepalive_seconds: float = 15.0
    max_seconds: float = 300.0


async def pump(write: Callable[[str], Any], hub: Hub, renderer: Renderer, after: str,
               limits: StreamLimits) -> None:
    """Send `renderer`'s frames for its key from entry `after` until time is up or it finishes.

    `write` is an async callable taking one string; a browser that goes away raises from it.
    """
    loop = asyncio.get_running_loop()
    follower = hub.follow(renderer.context.key, after)
    try:
        await write(f"retry: {limits.retry_milliseconds}\n\n")
        await write_all(write, await renderer.tick())
        deadline = loop.time() + limits.max_seconds
        last_sent = last_tick = loop.time()
        while not renderer.finished and (now := loop.time()) < deadline:
            wait = min(limits.keepalive_seconds - (now - last_sent),
                       renderer.tick_seconds - (now - last_tick), deadline - now)
            await follower.wait(max(0.0, wait))
            if loop.time() - last_sent >= limits.keepalive_seconds:
                follower.stale = True  # quiet for a while: read the stream in case news was lost
            out = await _read(hub, follower, renderer)
            if loop.time() - last_tick >= renderer.tick_seconds:
                out += await renderer.tick()
                last_tick = loop.time()
            if out:
                await write_all(write, out)
                last_sent = loop.time()
            elif loop.time() - last_sent >= limits.keepalive_seconds:
                await write(KEEPALIVE)
                last_sent = loop.time()
    finally:
        hub.leave(follower)


async def write_all(write: Callable[[str], Any], frames: list[str]) -> None:
    """Write frames in one go."""
    if frames:
        await write("".join(frames))


async def _read(hub: Hub, follower, renderer: Renderer) -> list[str]:
    try:
        entries = await hub.read(follower)
    except Exception as error:  # noqa: BLE001 - Redis away: keep the socket, try again later
        log.warning("events read failed (%s)", type(error).__name__)
        follower.stale = True
        return []
    return [frame for entry_id, fields in entries for frame in renderer.frames(entry_id, fields)]
