"""The queue of chats waiting for a contact-centre adviser, in Redis, shared by every app process.

One sorted set per queue id (`keys.QUEUE`), scored by the time the chat joined, so the oldest chat
is served first; one hash per queue (`keys.QUEUE_WAITS`) holds a moving average of recent waits.
The queues are the dispatcher's (routing.dispatcher), which alone takes chats and calls out of
them and folds each wait into the average; this class is the chat's view of its place in line.

Estimated wait (PLATFORM-NOTES, "Estimated wait"): once waits have been seen, the moving average
of recent waits, new average = (3 × old + new) / 4 as Asterisk keeps its hold time, less the time
this chat has already waited; before any wait has been seen, position × average handling time
(a configured figure) ÷ the advisers signed in who take the queue (presence), at least one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import redis

from models import keys


@dataclass(frozen=True, slots=True)
class QueuePlace:
    """Where a waiting chat stands: 1-based position, queue size and estimated wait."""

    queue_id: str
    position: int
    size: int
    estimated_wait_seconds: int


# One step, so the dispatcher never sees the chat in neither queue or in both.
_MOVE = """
local joined = redis.call('ZSCORE', KEYS[1], ARGV[1])
if not joined then return nil end
redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[2], 'NX', joined, ARGV[1])
return joined
"""


class ChatQueue:
    """Join, leave, look up and take chats waiting for advisers."""

    def __init__(self, redis_client: redis.Redis, *, queue_ids: Iterable[str],
                 handling_seconds: float = 300.0, advisers: int = 1,
                 staffing: Callable[[str], int] | None = None) -> None:
        self._redis = redis_client
        self.queue_ids = tuple(queue_ids)
        self.handling_seconds = handling_seconds
        self.advisers = max(1, advisers)
        # Advisers actually signed in for a queue (routing.presence); `advisers` without it.
        self.staffing = staffing

    def join(self, queue_id: str, session_id: str, *, at: float) -> int:
        """Put the chat at the back of `queue_id` (idempotent: a second join keeps its place)."""
        key = self._key(queue_id)
        self._redis.zadd(key, {session_id: at}, nx=True)
        return self._redis.zrank(key, session_id) + 1

    def leave(self, queue_id: str, session_id: str) -> bool:
        """Take the chat out of the queue (the customer ended it); False if it was not there."""
        return bool(self._redis.zrem(self._key(queue_id), session_id))

    def move(self, from_queue: str, to_queue: str, session_id: str) -> float | None:
        """Move a waiting chat to `to_queue` keeping its place by time waited (its joining time,
        returned); None when it is no longer waiting (an adviser took it meanwhile)."""
        joined = self._redis.eval(_MOVE, 2, self._key(from_queue), self._key(to_queue),
                                  session_id)
        return float(joined) if joined is not None else None

    def place(self, queue_id: str, session_id: str, *, at: float) -> QueuePlace | None:
        """The chat's position and estimated wait, or None once it is no longer waiting."""
        key = self._key(queue_id)
        with self._redis.pipeline(transaction=False) as pipe:
            pipe.zrank(key, session_id).zscore(key, session_id).zcard(key)
            pipe.hget(keys.key(keys.QUEUE_WAITS, queue_id=queue_id), "average")
            rank, joined, size, average = pipe.execute()
        if rank is None:
            return None
        waited = max(0.0, at - float(joined))
        advisers = self.staffing(queue_id) if self.staffing else self.advisers
        estimate = self.estimate(position=rank + 1, waited=waited,
                                 average=float(average) if average is not None else None,
                                 advisers=advisers)
        return QueuePlace(queue_id, rank + 1, size, estimate)

    def estimate(self, *, position: int, waited: float, average: float | None,
                 advisers: int | None = None) -> int:
        """Seconds left: recent average less time waited, else position × handling ÷ advisers."""
        staff = advisers if advisers is not None else self.advisers
        return estimate_wait(position=position, waited=waited, average=average,
                             handling_seconds=self.handling_seconds, advisers=staff)

    def sizes(self) -> dict[str, int]:
        """How many chats wait in each queue."""
        with self._redis.pipeline(transaction=False) as pipe:
            for queue_id in self.queue_ids:
                pipe.zcard(self._key(queue_id))
            return dict(zip(self.queue_ids, pipe.execute(), strict=True))

    def average_wait(self, queue_id: str) -> float | None:
        """The moving average of recent waits in `queue_id`, or None before the first."""
        value = self._redis.hget(keys.key(keys.QUEUE_WAITS, queue_id=queue_id), "average")
        return float(value) if value is not None else None

    def _key(self, queue_id: str) -> str:
        if queue_id not in self.queue_ids:
            raise ValueError(f"unknown queue {queue_id!r}")
        return keys.key(keys.QUEUE, queue_id=queue_id)


def estimate_wait(*, position: int, waited: float, average: float | None,
                  handling_seconds: float, advisers: int) -> int:
    """Seconds left: recent average less time waited, else position × handling ÷ advisers."""
    if average is not None:
        return max(0, math.ceil(average - waited))
    return math.ceil(position * handling_seconds / max(1, advisers))
