"""The queue of chats waiting for a contact-centre adviser, in Redis, shared by every app process.

One sorted set per queue id (`keys.QUEUE`), scored by the time the chat joined, so the oldest chat
is served first; one hash per queue (`keys.QUEUE_WAITS`) holds a moving average of recent waits.
Taking the next chat is one Lua script: it picks the oldest head across the adviser's queues,
removes it and folds its wait into the average, so two advisers never take the same chat.

Estimated wait (PLATFORM-NOTES, "Estimated wait"): once waits have been seen, the moving average
of recent waits, new average = (3 × old + new) / 4 as Asterisk keeps its hold time, less the time
this chat has already waited; before any wait has been seen, position × average handling time
(a configured figure) ÷ advisers. Both are estimates and are shown as such.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import redis

from models import keys

# KEYS: n queue keys, then their n waits keys; ARGV[1]: now (seconds since the epoch).
# Returns {index of the queue (0-based), member, wait in seconds as a string} or nil.
_TAKE_NEXT = """
local n = #KEYS / 2
local best, best_score, best_i = nil, nil, nil
for i = 1, n do
  local head = redis.call('ZRANGE', KEYS[i], 0, 0, 'WITHSCORES')
  if head[1] and (best_score == nil or tonumber(head[2]) < best_score) then
    best, best_score, best_i = head[1], tonumber(head[2]), i
  end
end
if not best then return nil end
redis.call('ZREM', KEYS[best_i], best)
local wait = math.max(0, tonumber(ARGV[1]) - best_score)
local waits = KEYS[n + best_i]
local old = redis.call('HGET', waits, 'average')
local average = wait
if old then average = (3 * tonumber(old) + wait) / 4 end
redis.call('HSET', waits, 'average', tostring(average))
redis.call('HINCRBY', waits, 'samples', 1)
return {best_i - 1, best, tostring(wait)}
"""


@dataclass(frozen=True, slots=True)
class TakenChat:
    """A chat an adviser has just taken: which queue, which session, and how long it waited."""

    queue_id: str
    session_id: str
    waited_seconds: float


@dataclass(frozen=True, slots=True)
class QueuePlace:
    """Where a waiting chat stands: 1-based position, queue size and estimated wait."""

    queue_id: str
    position: int
    size: int
    estimated_wait_seconds: int


class ChatQueue:
    """Join, leave, look up and take chats waiting for advisers."""

    def __init__(self, redis_client: redis.Redis, *, queue_ids: Iterable[str],
                 handling_seconds: float = 300.0, advisers: int = 1) -> None:
        self._redis = redis_client
        self.queue_ids = tuple(queue_ids)
        self.handling_seconds = handling_seconds
        self.advisers = max(1, advisers)
        self._take_next = redis_client.register_script(_TAKE_NEXT)

    def join(self, queue_id: str, session_id: str, *, at: float) -> int:
        """Put the chat at the back of `queue_id` (idempotent: a second join keeps its place)."""
        key = self._key(queue_id)
        self._redis.zadd(key, {session_id: at}, nx=True)
        return self._redis.zrank(key, session_id) + 1

    def leave(self, queue_id: str, session_id: str) -> bool:
        """Take the chat out of the queue (the customer ended it); False if it was not there."""
        return bool(self._redis.zrem(self._key(queue_id), session_id))

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
        estimate = self.estimate(position=rank + 1, waited=waited,
                                 average=float(average) if average is not None else None)
        return QueuePlace(queue_id, rank + 1, size, estimate)

    def estimate(self, *, position: int, waited: float, average: float | None) -> int:
        """Seconds left: recent average less time waited, else position × handling ÷ advisers."""
        return estimate_wait(position=position, waited=waited, average=average,
                             handling_seconds=self.handling_seconds, advisers=self.advisers)

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

    def take_next(self, queue_ids: Sequence[str], *, at: float) -> TakenChat | None:
        """Atomically take the longest-waiting chat across `queue_ids`, or None if all are empty."""
        if not queue_ids:
            return None
        names = [self._key(q) for q in queue_ids]
        waits = [keys.key(keys.QUEUE_WAITS, queue_id=q) for q in queue_ids]
        taken = self._take_next(keys=names + waits, args=[at])
        if taken is None:
            return None
        index, session_id, waited = taken
        return TakenChat(queue_ids[int(index)], str(session_id), float(waited))

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
