"""Where each signed-in adviser is: Available, Busy, Wrap-up or Away, kept in Redis.

One hash per adviser (`keys.ADVISER`) and a set of every adviser id (`keys.ADVISERS`), so any app
process, and a page reloaded, sees the same. The adviser chooses `mode` (available or away); the
status shown is derived on the server: Away when they chose it or their console stopped sending
heartbeats, Wrap-up until the server-side wrap-up time ends, Busy while they hold a contact,
Available otherwise. Changes go through Lua scripts, so two tabs or processes cannot leave a
half-written state (PLATFORM-NOTES: serialise presence changes on the server).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import redis

from models import keys

AVAILABLE, BUSY, WRAP_UP, AWAY = "available", "busy", "wrap_up", "away"
MODES = (AVAILABLE, AWAY)
DEFAULT_HEARTBEAT_TIMEOUT = 45.0

# ARGV: user id, mode, now, reason. Going available starts the idle clock (longest idle first).
_SET_MODE = """
local key = KEYS[1]
local old = redis.call('HGET', key, 'mode')
if ARGV[2] == 'available' and old ~= 'available' then
  redis.call('HSET', key, 'idle_since', ARGV[3])
end
redis.call('HSET', key, 'mode', ARGV[2], 'reason', ARGV[4], 'heartbeat', ARGV[3],
           'changed', ARGV[3])
redis.call('SADD', KEYS[2], ARGV[1])
return old
"""


@dataclass(frozen=True)
class AdviserPresence:
    """One adviser's presence as the console shows it."""

    user_id: int
    status: str
    mode: str
    reason: str
    calls: int
    chats: int
    chat_cap: int
    queues: tuple[str, ...]
    wrap_up_until: float
    idle_since: float

    def as_dict(self) -> dict:
        """For JSON answers and live events."""
        return {"status": self.status, "mode": self.mode, "reason": self.reason,
                "calls": self.calls, "chats": self.chats, "chat_cap": self.chat_cap,
                "queues": list(self.queues), "wrap_up_until": self.wrap_up_until or None}


class Presence:
    """Sign advisers on and off, set their mode, take heartbeats, and read their status."""

    def __init__(self, redis_client: redis.Redis, *,
                 heartbeat_timeout: float = DEFAULT_HEARTBEAT_TIMEOUT,
                 clock: Callable[[], float] = time.time, history=None) -> None:
        self._redis = redis_client
        self.heartbeat_timeout = heartbeat_timeout
        self.clock = clock
        # routing.presence_history.PresenceHistory: every change is also stored as an interval.
        self.history = history
        self._set_mode = redis_client.register_script(_SET_MODE)

    def sign_on(self, user_id: int, *, queues: Iterable[str], chat_cap: int,
                endpoint: str | None) -> AdviserPresence:
        """Record what the adviser may take; a new adviser starts Away, a returning one keeps
        their status (a reload or a second tab changes nothing)."""
        key = self._key(user_id)
        now = self.clock()
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.hsetnx(key, "mode", AWAY).hsetnx(key, "idle_since", now)
            pipe.hset(key, mapping={"queues": ",".join(queues), "cap": max(1, chat_cap),
                                    "endpoint": endpoint or "", "heartbeat": now})
            pipe.sadd(keys.ADVISERS, user_id)
            pipe.execute()
        return self.observe(user_id)

    def set_mode(self, user_id: int, mode: str, *, reason: str = "") -> AdviserPresence:
        """The adviser chooses Available or Away (or the server sends them Away, with a reason)."""
        if mode not in MODES:
            raise ValueError(f"unknown mode {mode!r}")
        self._set_mode(keys=[self._key(user_id), keys.ADVISERS],
                       args=[user_id, mode, self.clock(), reason])
        return self.observe(user_id)

    def heartbeat(self, user_id: int) -> AdviserPresence | None:
        """The console is still open; None when the adviser is not signed on (sign on again)."""
        key = self._key(user_id)
        if not self._redis.exists(key):
            return None
        self.observe(user_id)  # first, so a silence that just ended is stored as Away
        self._redis.hset(key, "heartbeat", self.clock())
        return self.observe(user_id)

    def end_wrap_up(self, user_id: int) -> AdviserPresence:
        """Wrap-up finished before its time: back to Available (if they had chosen it)."""
        self._redis.hset(self._key(user_id), mapping={"wrapup_until": 0,
                                                      "idle_since": self.clock()})
        return self.observe(user_id)

    def sign_off(self, user_id: int) -> None:
        """Signed out: Away, and out of the set the dispatcher looks at."""
        self.set_mode(user_id, AWAY, reason="signed out")
        self._redis.srem(keys.ADVISERS, user_id)

    def observe(self, user_id: int) -> AdviserPresence | None:
        """The adviser's presence now, stored in the history if it changed (a wrap-up time run
        out or a silent console is noticed here too)."""
        view = self.get(user_id)
        if view is not None and self.history is not None:
            self.history.observe(view, self.clock())
        return view

    def observe_all(self) -> None:
        """Store every signed-on adviser's change nobody asked about (a console gone silent, a
        wrap-up run out): the worker's dispatch round calls it."""
        if self.history is not None:
            for view in self.everyone():
                self.history.observe(view, self.clock())

    def get(self, user_id: int) -> AdviserPresence | None:
        """The adviser's presence now, or None if they have never signed on."""
        data = self._redis.hgetall(self._key(user_id))
        return self._view(user_id, data) if data else None

    def everyone(self) -> list[AdviserPresence]:
        """Every adviser signed on."""
        ids = sorted(int(i) for i in self._redis.smembers(keys.ADVISERS))
        with self._redis.pipeline(transaction=False) as pipe:
            for user_id in ids:
                pipe.hgetall(self._key(user_id))
            rows = pipe.execute()
        return [self._view(i, row) for i, row in zip(ids, rows, strict=True) if row]

    def staffing(self, queue_id: str) -> int:
        """Advisers signed in and not Away who take `queue_id` (for estimated waits)."""
        return sum(1 for a in self.everyone() if a.status != AWAY and queue_id in a.queues)

    def _view(self, user_id: int, data: dict[str, str]) -> AdviserPresence:
        now = self.clock()
        mode = data.get("mode", AWAY)
        beat = float(data.get("heartbeat") or 0)
        calls, chats = int(data.get("calls") or 0), int(data.get("chats") or 0)
        wrap_until = float(data.get("wrapup_until") or 0)
        reason = data.get("reason", "")
        if mode == AWAY:
            status = AWAY
        elif now - beat > self.heartbeat_timeout:
            status, reason = AWAY, "no heartbeat"
        elif calls or chats:
            status = BUSY
        elif wrap_until > now:
            status = WRAP_UP
        else:
            status = AVAILABLE
        queues = tuple(q for q in data.get("queues", "").split(",") if q)
        return AdviserPresence(user_id, status, mode, reason, calls, chats,
                               int(data.get("cap") or 1), queues, wrap_until,
                               float(data.get("idle_since") or 0))

    @staticmethod
    def _key(user_id: int) -> str:
        return keys.key(keys.ADVISER, user_id=user_id)
