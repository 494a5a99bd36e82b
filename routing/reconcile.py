"""Phantom contacts: who still waits, or still holds an adviser, after their customer has gone.

A caller who hangs up while our status callback cannot reach us, or a chat customer who closes
the browser, would stay queued for ever and ring advisers ("the customer has just left the
queue"). The worker's reconcile round (engine.reconcile) looks at every queued call and chat and
every call an adviser holds, and asks what is really there: Twilio's status of each call, the
time each chat's customer was last seen. This module is the pure decision and the Redis side:
finding the candidates and taking one out of its queue atomically, once, whichever replica wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

import redis

from models import keys
from routing.dispatcher import CALL, CHAT

# Twilio's Call statuses (twilio-oai spec/json/twilio_api_v2010.json, `call_enum_status`):
# queued, ringing and in-progress are a call still going; the rest are final.
LIVE_STATUSES = frozenset({"queued", "ringing", "in-progress"})
ENDED_STATUSES = frozenset({"completed", "busy", "failed", "no-answer", "canceled"})
# How long a claim keeps other rounds off a contact; if the winner dies mid-way, after this the
# contact (still held, or still in no queue) is looked at again.
CLAIM_SECONDS = 600

# KEYS: the claim marker, the chat's hash, the queues. ARGV: claim ms, member, stale-before ('' for
# a call). A chat is claimed only while it still waits and its customer is still unseen since
# stale-before (they may have come back since it was judged). Returns the 1-based index of the
# queue the member was taken out of (0 when it was in none: a call an adviser holds), or nil
# when not claimed.
_CLAIM = """
if ARGV[3] ~= '' then
  local chat = redis.call('HMGET', KEYS[2], 'state', 'seen')
  if chat[1] ~= 'queued' then return nil end
  if chat[2] and tonumber(chat[2]) > tonumber(ARGV[3]) then return nil end
end
if not redis.call('SET', KEYS[1], '1', 'NX', 'PX', ARGV[1]) then return nil end
local left = 0
for i = 3, #KEYS do
  if redis.call('ZREM', KEYS[i], ARGV[2]) == 1 then left = i - 2 end
end
return left
"""


class Verdict(StrEnum):
    """What to do with one contact."""

    KEEP = "keep"  # the customer is still there
    END = "end"  # gone: out of the queue, the adviser freed, the timeline told
    UNKNOWN = "unknown"  # nobody could say (Twilio unreachable, a call it does not know): keep


def call_verdict(status: str | None) -> Verdict:
    """Twilio's status of a call (None: Twilio could not say) → what to do with the call."""
    if status in ENDED_STATUSES:
        return Verdict.END
    if status in LIVE_STATUSES:
        return Verdict.KEEP
    return Verdict.UNKNOWN


def chat_verdict(*, state: str | None, last_seen: float | None, joined: float, now: float,
                 timeout_seconds: float) -> Verdict:
    """A waiting chat is ended once its customer has been unseen for longer than the timeout
    (since they were last seen, or since they joined the queue if never seen since)."""
    if state != "queued":
        return Verdict.KEEP  # taken, ended or moved on meanwhile: not a waiting chat any more
    since = max(joined, last_seen) if last_seen is not None else joined
    return Verdict.END if now - since > timeout_seconds else Verdict.KEEP


@dataclass(frozen=True)
class Waiting:
    """A contact waiting in a queue."""

    member: str  # the CallSid or the chat session id
    queue_id: str
    channel: str  # "call" or "chat"
    joined: float
    state: str | None = None  # a chat's state
    last_seen: float | None = None  # when a chat's customer was last seen


@dataclass(frozen=True)
class Held:
    """A call an adviser holds (ringing their phone or bridged to them)."""

    member: str
    adviser_id: int


class Reconciler:
    """The candidates of a reconcile round and the one atomic step that takes one out."""

    def __init__(self, redis_client: redis.Redis, *, queue_ids: Sequence[str]) -> None:
        self._redis = redis_client
        self.queue_ids = tuple(queue_ids)
        self._claim = redis_client.register_script(_CLAIM)

    def waiting(self) -> list[Waiting]:
        """Every call and chat waiting in a queue now (a member with no live state is skipped:
        the dispatcher drops those itself)."""
        with self._redis.pipeline(transaction=False) as pipe:
            for queue_id in self.queue_ids:
                pipe.zrange(keys.key(keys.QUEUE, queue_id=queue_id), 0, -1, withscores=True)
            queues = pipe.execute()
        found = [(queue_id, member, joined) for queue_id, members in
                 zip(self.queue_ids, queues, strict=True) for member, joined in members]
        with self._redis.pipeline(transaction=False) as pipe:
            for _, member, _ in found:
                pipe.exists(keys.key(keys.CALL_STATE, call_sid=member))
                pipe.hmget(keys.key(keys.CHAT_SESSION, session_id=member), "state", "seen")
            answers = pipe.execute()
        result = []
        for index, (queue_id, member, joined) in enumerate(found):
            is_call, (state, seen) = answers[2 * index], answers[2 * index + 1]
            if is_call:
                result.append(Waiting(member, queue_id, CALL, float(joined)))
            elif state is not None:
                result.append(Waiting(member, queue_id, CHAT, float(joined), state,
                                      float(seen) if seen else None))
        return result

    def held_calls(self) -> list[Held]:
        """Every call an adviser holds now."""
        held = []
        for adviser in sorted(self._redis.smembers(keys.ADVISERS)):
            members = self._redis.smembers(keys.key(keys.ADVISER_CONTACTS, user_id=adviser))
            for member in sorted(members):
                channel = self._redis.hget(keys.key(keys.ASSIGNMENT, member=member), "channel")
                if channel == CALL:
                    held.append(Held(member, int(adviser)))
        return held

    def claim(self, member: str, *, stale_before: float | None = None) -> str | None:
        """Take `member` out of every queue, once across every replica: the queue it left ('' if
        none), or None when another round has it (or a chat's customer came back since
        `stale_before`, or it no longer waits)."""
        queues = [keys.key(keys.QUEUE, queue_id=queue_id) for queue_id in self.queue_ids]
        left = self._claim(keys=[keys.key(keys.RECONCILED, member=member),
                                 keys.key(keys.CHAT_SESSION, session_id=member), *queues],
                           args=[CLAIM_SECONDS * 1000, member,
                                 "" if stale_before is None else repr(stale_before)])
        if left is None:
            return None
        return self.queue_ids[int(left) - 1] if int(left) else ""


# Marks a chat seen without ever creating the hash of one that has expired (it would never go).
_SEEN = ("if redis.call('EXISTS', KEYS[1]) == 1 then "
         "redis.call('HSET', KEYS[1], 'seen', ARGV[1]) end")


def mark_seen(redis_client: redis.Redis, session_id: str, at: float) -> None:
    """The chat's customer is here now: they opened its stream or wrote (`at`: the app's clock)."""
    redis_client.eval(_SEEN, 1, keys.key(keys.CHAT_SESSION, session_id=session_id), repr(at))
