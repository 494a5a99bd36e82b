"""Passing a call an adviser holds straight to a named colleague, atomically.

The dispatcher pairs contacts with advisers by its own rule (routing.dispatcher); an adviser may
also choose who takes a call next: a colleague who is Available now (heartbeat fresh, wrap-up
over) and free for a call (nothing else held), as the dispatcher itself would require. One Lua
script moves the assignment, so the colleague can never be given two contacts by two processes,
and a call already moved (or ended) is not moved again.
"""

from __future__ import annotations

import redis

from models import keys

# KEYS: the assignment, from adviser hash, from contacts, to adviser hash, to contacts.
# ARGV: member, from id, to id, now, heartbeat timeout.
_GIVE = """
local a = redis.call('HMGET', KEYS[1], 'adviser', 'channel')
if not a[1] then return 'gone' end
if a[1] ~= ARGV[2] then return 'not_yours' end
if a[2] ~= 'call' then return 'not_a_call' end
local now, timeout = tonumber(ARGV[4]), tonumber(ARGV[5])
local h = redis.call('HMGET', KEYS[4], 'mode', 'heartbeat', 'wrapup_until', 'calls', 'chats')
if h[1] ~= 'available' or now - tonumber(h[2] or 0) > timeout or
   tonumber(h[3] or 0) > now then return 'not_available' end
if tonumber(h[4] or 0) > 0 or tonumber(h[5] or 0) > 0 then return 'busy' end
if redis.call('SREM', KEYS[3], ARGV[1]) == 1 then
  local n = redis.call('HINCRBY', KEYS[2], 'calls', -1)
  if n < 0 then redis.call('HSET', KEYS[2], 'calls', 0) end
end
redis.call('HSET', KEYS[2], 'idle_since', now)
redis.call('HINCRBY', KEYS[4], 'calls', 1)
redis.call('SADD', KEYS[5], ARGV[1])
redis.call('HSET', KEYS[1], 'adviser', ARGV[3], 'at', tostring(now))
return 'ok'
"""
WORDS = {
    "gone": "the call has ended",
    "not_yours": "this call is with another adviser",
    "not_a_call": "only a call can be passed to a colleague this way",
    "not_available": "that colleague is not Available now",
    "busy": "that colleague is busy with another contact",
}


def give(redis_client: redis.Redis, member: str, *, from_id: int, to_id: int, now: float,
         heartbeat_timeout: float) -> str | None:
    """Move the call `member` from one adviser to the other: None when done, else why not."""
    if from_id == to_id:
        return "choose a colleague, not yourself"
    found = redis_client.eval(
        _GIVE, 5, keys.key(keys.ASSIGNMENT, member=member),
        keys.key(keys.ADVISER, user_id=from_id), keys.key(keys.ADVISER_CONTACTS, user_id=from_id),
        keys.key(keys.ADVISER, user_id=to_id), keys.key(keys.ADVISER_CONTACTS, user_id=to_id),
        member, str(from_id), str(to_id), str(now), str(heartbeat_timeout))
    return None if found == "ok" else WORDS.get(found, found)


def available(redis_client: redis.Redis, *, now: float, heartbeat_timeout: float,
              exclude: int) -> list[int]:
    """Advisers Available now (heartbeat fresh, wrap-up over) and free for a call, but one."""
    free = []
    for ident in redis_client.smembers(keys.ADVISERS):
        mode, beat, until, calls, chats = redis_client.hmget(
            keys.key(keys.ADVISER, user_id=ident), "mode", "heartbeat", "wrapup_until", "calls",
            "chats")
        if (mode == "available" and now - float(beat or 0) <= heartbeat_timeout
                and float(until or 0) <= now and not int(calls or 0) and not int(chats or 0)
                and int(ident) != exclude):
            free.append(int(ident))
    return free
