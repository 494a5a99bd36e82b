"""Live state of one phone call, in Redis under its CallSid, expiring hours after the last turn.

The caller's number is never stored here: Twilio sends `From` with every webhook, so the callback
step reads it from the request when (and only when) it needs it. A number the customer keys in for
a callback is never held here either: it is written straight into the callback row.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

import redis

from models import keys
from models.minimise import for_storage, from_storage

# Phases of a call; "ended" is final.
ASSISTANT, KEYPAD, QUEUE, TRANSFER, CALLBACK, FINISHING, ENDED, IDENTITY = (
    "assistant", "keypad", "queue", "transfer", "callback", "finishing", "ended", "identity",
)
SURVEY = "survey"  # the satisfaction survey after the contact (ivr/voice/survey.py)


@dataclass
class CallState:
    """What we remember between one webhook of a call and the next."""

    call_sid: str
    jobcentre_plus_line: bool = False
    phase: str = ASSISTANT
    step: int = 0  # the number of the prompt the customer is answering; stale steps are replays
    last_twiml: str = ""
    last_prompt: list[str] = field(default_factory=list)
    silences: int = 0
    misunderstood: int = 0
    facts: dict[str, Any] = field(default_factory=dict)
    question: str | None = None  # the keypad question being asked
    choices: list[str] = field(default_factory=list)  # payloads of the assistant's buttons
    decision: dict[str, Any] | None = None
    plan: dict[str, Any] | None = None
    transfer_accepted: bool = False
    # The identity step (ivr.identity): its question, and the details so far only sealed.
    identity: dict[str, Any] | None = None
    after_callback: str | None = None  # what to say after the callback question (route name)
    # The screen's finding for the adviser's pop: kind, said outright, about whom (never words).
    concern: dict[str, Any] | None = None
    emergency_said: bool = False  # the emergency line is said once, first (003:L211)
    # The step of the opening prompt, where 9 reads the privacy notice and 8 lists the languages.
    opening_step: int | None = None
    language_line: str | None = None  # the language line whose own number was dialled
    outcome: str | None = None  # answered | abandoned | transferred | callback | self_served ...
    # When a caller re-routed while waiting joined their first queue: the next queue keeps it.
    rejoin_at: float | None = None
    # Knowledge articles the assistant gave, and whether their links were offered by text
    # (ivr.voice.links_offer): "asked", then "done"; the caller's number is never held here.
    given: list[str] = field(default_factory=list)
    links_offer: str | None = None

    @property
    def contact_key(self) -> str:
        """The contact's key in the timeline (the CallSid)."""
        return self.call_sid


# Deletes the lock only if it is still ours (it may have expired and been taken by another).
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end"
LOCK_MS = 10_000
LOCK_WAIT_SECONDS = 5.0


class CallStore:
    """Load and save CallState as JSON with a TTL; one Redis key per call.

    `claim` and `release` also hold a per-call lock, so a retried webhook waits for the first one
    and then replays its answer; each costs one round trip (lock and state travel together).
    """

    def __init__(self, redis_client: redis.Redis, *, ttl_seconds: int) -> None:
        self._redis = redis_client
        self._ttl = ttl_seconds

    def load(self, call_sid: str) -> CallState | None:
        """The state of `call_sid`, or None when the call is unknown (or has expired)."""
        return _decode(self._redis.get(keys.key(keys.CALL_STATE, call_sid=call_sid)))

    def claim(self, call_sid: str) -> tuple[str | None, CallState | None]:
        """Take the call's lock (waiting up to a few seconds) and load its state.

        Returns (token, state); token is None when the lock could not be had in time, and the
        webhook goes ahead anyway: answering late is worse than a rare double write.
        """
        token, deadline = uuid.uuid4().hex, time.monotonic() + LOCK_WAIT_SECONDS
        lock, key = (keys.key(keys.CALL_LOCK, call_sid=call_sid),
                     keys.key(keys.CALL_STATE, call_sid=call_sid))
        while True:
            pipe = self._redis.pipeline(transaction=False)
            pipe.set(lock, token, nx=True, px=LOCK_MS)
            pipe.get(key)
            acquired, raw = pipe.execute()
            if acquired or time.monotonic() >= deadline:
                return (token if acquired else None), _decode(raw)
            time.sleep(0.02)

    def release(self, call_sid: str, token: str | None, state: CallState | None = None) -> None:
        """Save `state` (if given) and let go of the lock, in one round trip."""
        pipe = self._redis.pipeline(transaction=False)
        if state is not None:
            pipe.set(keys.key(keys.CALL_STATE, call_sid=state.call_sid),
                     _encode(state), ex=self._ttl)
        if token is not None:
            pipe.eval(_RELEASE, 1, keys.key(keys.CALL_LOCK, call_sid=call_sid), token)
        pipe.execute()

    def save(self, state: CallState) -> None:
        """Store `state` and restart its expiry."""
        self._redis.set(keys.key(keys.CALL_STATE, call_sid=state.call_sid),
                        _encode(state), ex=self._ttl)

    def create(self, state: CallState) -> bool:
        """Store `state` unless the call has one; False when a duplicate webhook lost the race."""
        return bool(self._redis.set(keys.key(keys.CALL_STATE, call_sid=state.call_sid),
                                    _encode(state),
                                    ex=self._ttl, nx=True))


def _encode(state: CallState) -> str:
    """The state as stored: postcodes as outward codes, no fact named after offending."""
    return json.dumps(for_storage(asdict(state)), separators=(",", ":"))


def _decode(raw: str | None) -> CallState | None:
    if raw is None:
        return None
    known = CallState.__dataclass_fields__
    return CallState(**{k: v for k, v in from_storage(json.loads(raw)).items() if k in known})
