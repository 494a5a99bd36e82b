"""The chat's renderer for the events front: transcript frames, live queue place, expiry and end.

Registered as "chat" (settings LIVE_RENDERERS); `ivr.chat.events.event_stream` produces the same
frames from a worker thread when there is no front. The chat's state is followed from its own
status entries, and looked up in Redis only at the start and on each tick.
"""

from __future__ import annotations

import math
import time

from ivr.chat.events import frame, queue_frame
from ivr.chat.store import decoded
from live.sse import Renderer, StreamContext, register, sse
from models import keys
from routing.chat_queue import QueuePlace, estimate_wait


class ChatRenderer(Renderer):
    """Frames for one chat session's stream; ticks often only while the chat waits in a queue."""

    def __init__(self, context: StreamContext) -> None:
        super().__init__(context)
        self.session_id = context.params["session_id"]
        self.clock_offset = float(context.params.get("clock_offset", 0.0))
        self.handling_seconds = float(context.params.get("handling_seconds", 300))
        self.advisers = int(context.params.get("advisers", 1))
        self.state: str | None = None
        self.queue_id = ""
        self.last_place: tuple[int, int] | None = None
        self.idle_tick = float(context.params.get("tick_seconds", 15.0))
        self.tick_seconds = 0.0  # the first tick comes at once

    def frames(self, entry_id: str, fields: dict[str, str]) -> list[str]:
        """The entry's frame; a status entry also moves the state on (ended ends the stream)."""
        if fields.get("type") == "status":
            self.state = fields.get("state")
            self.finished = self.state == "ended"
            self.tick_seconds = 0.0 if self.state == "queued" else self.idle_tick
        return [frame(decoded(fields), entry_id)]

    async def tick(self) -> list[str]:
        """Expiry, the end, and the queue place when it has changed."""
        redis = self.context.redis
        session_key = keys.key(keys.CHAT_SESSION, session_id=self.session_id)
        state, queue_id = await redis.hmget(session_key, ["state", "queue_id"])
        if state is None:
            self.finished = True
            return [sse("expired", {})]
        self.state, self.queue_id = state, queue_id or ""
        self.finished = state == "ended"
        self.tick_seconds = 2.0 if state == "queued" else self.idle_tick
        if state != "queued" or not self.queue_id:
            return []
        place = await self._place(self.queue_id)
        if place is None:
            return []
        minutes = math.ceil(place.estimated_wait_seconds / 60)
        if (place.position, minutes) == self.last_place:
            return []
        self.last_place = (place.position, minutes)
        return [queue_frame(place)]

    async def _place(self, queue_id: str) -> QueuePlace | None:
        key = keys.key(keys.QUEUE, queue_id=queue_id)
        async with self.context.redis.pipeline(transaction=False) as pipe:
            pipe.zrank(key, self.session_id).zscore(key, self.session_id).zcard(key)
            pipe.hget(keys.key(keys.QUEUE_WAITS, queue_id=queue_id), "average")
            rank, joined, size, average = await pipe.execute()
        if rank is None:
            return None
        waited = max(0.0, time.time() + self.clock_offset - float(joined))
        estimate = estimate_wait(position=rank + 1, waited=waited,
                                 average=float(average) if average is not None else None,
                                 handling_seconds=self.handling_seconds, advisers=self.advisers)
        return QueuePlace(queue_id, rank + 1, size, estimate)


register("chat", ChatRenderer)
