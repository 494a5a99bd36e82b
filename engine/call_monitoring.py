"""A supervisor on an adviser's live phone call: listen, coach or barge, decided once here.

The console asks and the phone channel carries it out through `CallMonitoring`, the port the
app registers (engine.desk_ports `call_monitoring`). A supervisor's phone joins the call's
conference as a participant whose leaving never ends it; the mode is what the others hear of
them (Twilio's Participant `Muted`, `Coaching`, `CallSidToCoach`,
https://www.twilio.com/docs/voice/api/conference-participant-resource):
- listen: muted, hearing the customer and the adviser;
- coach: heard by the adviser alone (coaching the adviser's leg);
- barge: heard by both.
One supervisor at a time on a call: the first claims it (HSETNX on the call's monitor hash).
"""

from __future__ import annotations

from functools import lru_cache
from typing import Protocol

import redis as redis_lib
from pydantic import field_validator

from config.files import ConfigModel, load
from models import keys

MODES = ("listen", "coach", "barge")
# Every message the supervisor may be shown (config/monitoring.yaml `messages`).
MESSAGES = frozenset({"ringing", "switched", "left", "no_endpoint", "not_on_call", "call_ended",
                      "not_joined", "already_joined", "other_supervisor", "elsewhere",
                      "not_dialled", "not_changed"})
MONITOR_TTL_SECONDS = 4 * 3600  # as long as a call's own state


class ModeWords(ConfigModel):
    """A mode's button label and how the board says the supervisor is in it."""

    label: str
    said: str


class MonitoringConfig(ConfigModel):
    """config/monitoring.yaml."""

    ring_seconds: int
    modes: dict[str, ModeWords]
    messages: dict[str, str]

    @field_validator("modes")
    @classmethod
    def _every_mode(cls, value: dict[str, ModeWords]) -> dict[str, ModeWords]:
        if set(value) != set(MODES):
            raise ValueError(f"give exactly the modes {', '.join(MODES)}")
        return value

    @field_validator("messages")
    @classmethod
    def _every_message(cls, value: dict[str, str]) -> dict[str, str]:
        if set(value) != MESSAGES:
            raise ValueError(f"give exactly the messages {', '.join(sorted(MESSAGES))}")
        return value

    @field_validator("ring_seconds")
    @classmethod
    def _rings(cls, value: int) -> int:
        if not 5 <= value <= 120:
            raise ValueError("ring for 5 to 120 seconds")
        return value

    def say(self, message: str, **parts: str) -> str:
        """A message to the supervisor, filled in."""
        return self.messages[message].format(**parts)


@lru_cache(maxsize=1)
def load_monitoring() -> MonitoringConfig:
    """The monitoring settings and words (read once)."""
    return load(MonitoringConfig, "monitoring.yaml")


def participant(mode: str, adviser_leg: str) -> dict:
    """The Participant settings that make a supervisor's leg `mode`."""
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}")
    return {"muted": mode == "listen", "coaching": mode == "coach",
            "call_sid_to_coach": adviser_leg if mode == "coach" else None}


def _key(member: str) -> str:
    return keys.key(keys.CALL_MONITOR, call_sid=member)


def _index(supervisor_id: int | str) -> str:
    return keys.key(keys.SUPERVISOR_MONITORING, user_id=supervisor_id)


def claim(redis: redis_lib.Redis, member: str, supervisor_id: int, **fields: str) -> str | None:
    """Claim the call for this supervisor: None when they won; else the supervisor who holds
    it, or "elsewhere" when this supervisor is on another call (one call, one supervisor)."""
    flat = [part for pair in fields.items() for part in pair]
    return redis.eval(_CLAIM, 2, _key(member), _index(supervisor_id), str(supervisor_id),
                      member, MONITOR_TTL_SECONDS, *flat)


# Both keys at once: the call's hash (supervisor and fields) and the supervisor's index.
_CLAIM = """
local holder = redis.call('HGET', KEYS[1], 'supervisor')
if holder then return holder end
for _, other in ipairs(redis.call('HKEYS', KEYS[2])) do
  if other ~= ARGV[2] then return 'elsewhere' end
end
redis.call('HSET', KEYS[1], 'supervisor', ARGV[1])
for i = 4, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
redis.call('EXPIRE', KEYS[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], '1')
redis.call('EXPIRE', KEYS[2], ARGV[3])
return false
"""


def monitor_state(redis: redis_lib.Redis, member: str) -> dict[str, str]:
    """Who is on the call and how: supervisor, adviser, leg, mode, step (dialling, ringing,
    joined), conference, the adviser's leg."""
    return redis.hgetall(_key(member))


def monitored_by(redis: redis_lib.Redis, supervisor_id: int) -> str | None:
    """The call this supervisor is on (or being dialled into), if any."""
    for member in redis.hkeys(_index(supervisor_id)):
        if redis.hget(_key(member), "supervisor") == str(supervisor_id):
            return member
        redis.hdel(_index(supervisor_id), member)  # its hash has gone (expired, erased)
    return None


def update(redis: redis_lib.Redis, member: str, *, while_step: str = "", **fields: str) -> bool:
    """Record the supervisor's leg, mode or step while they are on the call (and, if given,
    while their step is still `while_step`); False when they have gone or moved on."""
    flat = [part for pair in fields.items() for part in pair]
    return bool(redis.eval(_UPDATE, 1, _key(member), while_step, *flat))


# Never brings back a call's hash a status callback has released, nor undoes a later step.
_UPDATE = """
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if ARGV[1] ~= '' and redis.call('HGET', KEYS[1], 'step') ~= ARGV[1] then return 0 end
for i = 2, #ARGV, 2 do redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1]) end
return 1
"""


def release(redis: redis_lib.Redis, member: str, leg: str | None = None) -> bool:
    """The supervisor has gone: forget them (only if their leg is `leg`, when given)."""
    found = redis.hgetall(_key(member))
    if not found or (leg and found.get("leg") not in (None, leg)):
        return False
    pipe = redis.pipeline()
    pipe.delete(_key(member))
    pipe.hdel(_index(found.get("supervisor", "")), member)
    pipe.execute()
    return True


class CallMonitoring(Protocol):
    """What the phone channel does for a supervisor: each returns what it did as a dict, or
    raises engine.desk_calls.Refused with the reason in the supervisor's words."""

    def join(self, member: str, *, supervisor_id: int, adviser_id: int, endpoint: str,
             mode: str, name: str) -> dict:
        """Dial the supervisor's phone into the adviser's call in `mode`."""

    def switch(self, member: str, *, supervisor_id: int, mode: str, name: str) -> dict:
        """Change how the others hear the supervisor already on the call."""

    def leave(self, member: str, *, supervisor_id: int, name: str) -> dict:
        """Take the supervisor's phone out of the call; the call goes on."""
