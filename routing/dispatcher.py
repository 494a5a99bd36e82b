"""The one dispatcher for calls and chats: who waits for a person, and which adviser gets whom.

Every contact that needs a person waits in its queue's sorted set (`keys.QUEUE`, scored by when
it joined, so a transfer or a declined offer keeps its place by time waited). One Lua script
makes each pairing atomically, so two advisers on several app processes never get one contact:

- contacts: the safeguarding queue first (003:L211), then every other queue by time waited;
- advisers: Available (chosen, heartbeat fresh, wrap-up over), skilled for the contact's queue,
  with room: a call needs an adviser with nothing else; a chat one without a call and with
  fewer chats than their cap; the longest idle wins (idle since their last contact ended).

A member is a CallSid or a chat session id, exactly as erasure finds them; which it is comes from
the live state it has in Redis. Advisers whose heartbeat stopped are sent Away by the script.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import redis

from models import keys

URGENT_QUEUES = ("safeguarding",)
# A language line's own queue (000:L47, L129): advisers are skilled per language by having it.
LANGUAGE_LINES = "language_lines"
LANGUAGE_PREFIX = LANGUAGE_LINES + ":"
CALL, CHAT = "call", "chat"
HEADS_PER_QUEUE = 25  # how deep to look into each queue for a contact someone can take

# ARGV: prefix, now, heartbeat timeout, heads per queue, number of urgent queues, queue ids...
# Returns {member, queue, channel, adviser id, joined score} or nil.
_ASSIGN = """
local prefix, now = ARGV[1], tonumber(ARGV[2])
local beat_timeout, depth = tonumber(ARGV[3]), tonumber(ARGV[4])
local urgent = tonumber(ARGV[5])
local advisers = {}
for _, id in ipairs(redis.call('SMEMBERS', prefix .. 'advisers')) do
  local key = prefix .. 'adviser:' .. id
  local h = redis.call('HMGET', key, 'mode', 'heartbeat', 'wrapup_until', 'calls', 'chats', 'cap',
                       'queues', 'idle_since')
  if h[1] == 'available' and now - tonumber(h[2] or 0) > beat_timeout then
    redis.call('HSET', key, 'mode', 'away', 'reason', 'no heartbeat', 'changed', now)
  elseif h[1] == 'available' and tonumber(h[3] or 0) <= now then
    advisers[#advisers + 1] = {id = id, calls = tonumber(h[4] or 0), chats = tonumber(h[5] or 0),
      cap = tonumber(h[6] or 1), queues = ',' .. (h[7] or '') .. ',', idle = tonumber(h[8] or 0)}
  end
end
if #advisers == 0 then return nil end
local candidates = {}
for i = 6, #ARGV do
  local heads = redis.call('ZRANGE', prefix .. 'queue:' .. ARGV[i], 0, depth - 1, 'WITHSCORES')
  for j = 1, #heads, 2 do
    candidates[#candidates + 1] = {member = heads[j], score = tonumber(heads[j + 1]),
      queue = ARGV[i], rank = (i - 6 < urgent) and 0 or 1}
  end
end
table.sort(candidates, function(a, b)
  if a.rank ~= b.rank then return a.rank < b.rank end
  if a.score ~= b.score then return a.score < b.score end
  return a.member < b.member
end)
for _, c in ipairs(candidates) do
  local channel = nil
  if redis.call('EXISTS', prefix .. 'call:' .. c.member) == 1 then channel = 'call'
  elseif redis.call('EXISTS', prefix .. 'chat:' .. c.member) == 1 then channel = 'chat' end
  if channel == nil then
    redis.call('ZREM', prefix .. 'queue:' .. c.queue, c.member)  -- expired or erased
  else
    local best = nil
    for _, a in ipairs(advisers) do
      local room = (a.calls == 0) and ((channel == 'call' and a.chats == 0) or
                                       (channel == 'chat' and a.chats < a.cap))
      if room and string.find(a.queues, ',' .. c.queue .. ',', 1, true) and
         (best == nil or a.idle < best.idle or (a.idle == best.idle and a.id < best.id)) then
        best = a
      end
    end
    if best then
      local key = prefix .. 'adviser:' .. best.id
      redis.call('ZREM', prefix .. 'queue:' .. c.queue, c.member)
      redis.call('HINCRBY', key, channel .. 's', 1)
      redis.call('SADD', key .. ':contacts', c.member)
      redis.call('HSET', prefix .. 'assigned:' .. c.member, 'adviser', best.id, 'queue', c.queue,
                 'joined', tostring(c.score), 'channel', channel, 'at', tostring(now))
      local waits = prefix .. 'queue:' .. c.queue .. ':waits'
      local wait = math.max(0, now - c.score)
      local old = redis.call('HGET', waits, 'average')
      local average = wait
      if old then average = (3 * tonumber(old) + wait) / 4 end
      redis.call('HSET', waits, 'average', tostring(average))
      redis.call('HINCRBY', waits, 'samples', 1)
      return {c.member, c.queue, channel, best.id, tostring(c.score)}
    end
  end
end
return nil
"""

# KEYS: assignment; ARGV: now. The adviser has taken the contact offered (only the first time).
_TAKE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
return redis.call('HSETNX', KEYS[1], 'taken', ARGV[1])
"""

# KEYS: adviser hash, adviser contacts set, assignment; ARGV: member, now, wrap-up seconds,
# requeue (1 puts the contact back at its first place), mode after (or '').
_RELEASE = """
local a = redis.call('HGETALL', KEYS[3])
if #a == 0 then return 0 end
local f = {}
for i = 1, #a, 2 do f[a[i]] = a[i + 1] end
if redis.call('SREM', KEYS[2], ARGV[1]) == 1 then
  local n = redis.call('HINCRBY', KEYS[1], f.channel .. 's', -1)
  if n < 0 then redis.call('HSET', KEYS[1], f.channel .. 's', 0) end
end
redis.call('DEL', KEYS[3])
local now = tonumber(ARGV[2])
if tonumber(ARGV[3]) > 0 then
  redis.call('HSET', KEYS[1], 'wrapup_until', now + tonumber(ARGV[3]))
end
redis.call('HSET', KEYS[1], 'idle_since', now + tonumber(ARGV[3]))
if ARGV[5] ~= '' then
  redis.call('HSET', KEYS[1], 'mode', ARGV[5], 'reason', ARGV[6], 'changed', now)
end
if ARGV[4] == '1' then
  redis.call('ZADD', ARGV[7] .. 'queue:' .. f.queue, 'NX', f.joined, ARGV[1])
end
return 1
"""


def language_queue(language: str) -> str:
    """The queue id of one language line, e.g. "language_lines:polish"."""
    return LANGUAGE_PREFIX + language.strip().lower()


def all_queue_ids(base: Sequence[str], languages: Sequence[str]) -> tuple[str, ...]:
    """The contact-centre queues and one queue per language line."""
    return (*base, *(language_queue(language) for language in languages))


def contact_queue(queue_id: str, language: str | None, languages: Sequence[str]) -> str:
    """Where a contact waits: a language-line contact waits on its language's own line."""
    if queue_id == LANGUAGE_LINES and language and language.strip().lower() in languages:
        return language_queue(language)
    return queue_id


@dataclass(frozen=True)
class Assignment:
    """A contact the dispatcher has just given to an adviser."""

    member: str  # the CallSid or chat session id
    queue_id: str
    channel: str  # "call" or "chat"
    adviser_id: int
    joined_at: float

    def waited(self, now: float) -> float:
        """Seconds the contact has waited since it first joined the queue."""
        return max(0.0, now - self.joined_at)


class Dispatcher:
    """Queue contacts, pair them with advisers atomically, and release them afterwards."""

    def __init__(self, redis_client: redis.Redis, *, queue_ids: Sequence[str],
                 heartbeat_timeout: float = 45.0, clock: Callable[[], float] = time.time) -> None:
        self._redis = redis_client
        urgent = [q for q in queue_ids if q in URGENT_QUEUES]
        self.queue_ids = (*urgent, *(q for q in queue_ids if q not in URGENT_QUEUES))
        self._urgent = len(urgent)
        self.heartbeat_timeout = heartbeat_timeout
        self.clock = clock
        self._assign = redis_client.register_script(_ASSIGN)
        self._release = redis_client.register_script(_RELEASE)
        self._take = redis_client.register_script(_TAKE)

    def join(self, queue_id: str, member: str, *, at: float | None = None) -> int:
        """Wait in `queue_id` (a second join keeps the first place); the 1-based position."""
        key = self._queue_key(queue_id)
        self._redis.zadd(key, {member: self.clock() if at is None else at}, nx=True)
        return self._redis.zrank(key, member) + 1

    def joined_at(self, queue_id: str, member: str) -> float | None:
        """When `member` joined `queue_id` (its place by time waited), or None if not there."""
        return self._redis.zscore(self._queue_key(queue_id), member)

    def leave(self, queue_id: str, member: str) -> bool:
        """No longer waiting (the customer left, or a callback instead)."""
        return bool(self._redis.zrem(self._queue_key(queue_id), member))

    def leave_all(self, member: str) -> bool:
        """Out of every queue (the contact has ended), in one round trip; True if it waited."""
        with self._redis.pipeline(transaction=False) as pipe:
            for queue_id in self.queue_ids:
                pipe.zrem(self._queue_key(queue_id), member)
            return any(pipe.execute())

    def move(self, member: str, from_queue: str, to_queue: str, *, joined_at: float) -> None:
        """Into another queue, keeping its place by the time it first joined."""
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.zrem(self._queue_key(from_queue), member)
            pipe.zadd(self._queue_key(to_queue), {member: joined_at})
            pipe.execute()

    def assign_next(self) -> Assignment | None:
        """Make one pairing, or None when nobody waiting can be taken by anyone Available."""
        found = self._assign(args=[keys.PREFIX, self.clock(), self.heartbeat_timeout,
                                   HEADS_PER_QUEUE, self._urgent, *self.queue_ids])
        if found is None:
            return None
        member, queue_id, channel, adviser_id, joined = found
        return Assignment(str(member), str(queue_id), str(channel), int(adviser_id),
                          float(joined))

    def assign_all(self, limit: int = 100) -> list[Assignment]:
        """Every pairing that can be made now (dispatch on join, on Available, on a tick)."""
        made = []
        while len(made) < limit and (assignment := self.assign_next()) is not None:
            made.append(assignment)
        return made

    def assignment(self, member: str) -> Assignment | None:
        """Who has `member` right now, if anyone."""
        data = self._redis.hgetall(keys.key(keys.ASSIGNMENT, member=member))
        if not data:
            return None
        return Assignment(member, data["queue"], data["channel"], int(data["adviser"]),
                          float(data["joined"]))

    def take(self, member: str) -> bool:
        """The adviser has taken the contact offered (accepted it); True the first time."""
        return bool(self._take(keys=[keys.key(keys.ASSIGNMENT, member=member)],
                               args=[self.clock()]))

    def taken_at(self, member: str) -> float | None:
        """When the adviser took `member`, or None while it is only offered (or not held)."""
        taken = self._redis.hget(keys.key(keys.ASSIGNMENT, member=member), "taken")
        return float(taken) if taken else None

    def contacts_of(self, adviser_id: int) -> set[str]:
        """The members an adviser holds now."""
        return set(self._redis.smembers(keys.key(keys.ADVISER_CONTACTS, user_id=adviser_id)))

    def finish(self, member: str, *, wrap_up_seconds: float) -> bool:
        """The contact is over: the adviser goes into wrap-up (then Available again)."""
        return self._end(member, wrap_up_seconds=wrap_up_seconds, requeue=False, mode="")

    def decline(self, member: str, *, reason: str) -> bool:
        """The adviser declined or did not answer: they go Away, the contact keeps its place."""
        return self._end(member, wrap_up_seconds=0, requeue=True, mode="away", reason=reason)

    def hand_back(self, member: str, *, to_queue: str | None = None) -> bool:
        """Put a held contact back to wait (another queue keeps its place by time waited)."""
        held = self.assignment(member)
        if held is None:
            return False
        self._end(member, wrap_up_seconds=0, requeue=to_queue is None, mode="")
        if to_queue is not None:
            self._redis.zadd(self._queue_key(to_queue), {member: held.joined_at}, nx=True)
        return True

    def waiting(self) -> dict[str, int]:
        """How many contacts wait in each queue."""
        with self._redis.pipeline(transaction=False) as pipe:
            for queue_id in self.queue_ids:
                pipe.zcard(self._queue_key(queue_id))
            return dict(zip(self.queue_ids, pipe.execute(), strict=True))

    def _end(self, member: str, *, wrap_up_seconds: float, requeue: bool, mode: str,
             reason: str = "") -> bool:
        held = self.assignment(member)
        if held is None:
            return False
        adviser = keys.key(keys.ADVISER, user_id=held.adviser_id)
        done = self._release(
            keys=[adviser, keys.key(keys.ADVISER_CONTACTS, user_id=held.adviser_id),
                  keys.key(keys.ASSIGNMENT, member=member)],
            args=[member, self.clock(), wrap_up_seconds, "1" if requeue else "0", mode, reason,
                  keys.PREFIX])
        return bool(done)

    def _queue_key(self, queue_id: str) -> str:
        if queue_id not in self.queue_ids:
            raise ValueError(f"unknown queue {queue_id!r}")
        return keys.key(keys.QUEUE, queue_id=queue_id)
