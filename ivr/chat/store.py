"""Chat state in Redis: one hash per session and one stream per session for the display transcript.

Nothing lives in process memory, so any gunicorn worker can serve any turn. The stream doubles as
the server-sent event log: each entry's id is the SSE event id, so a browser that reconnects (or
reloads and replays from the start) sees every line exactly once and in order. Customer lines are
stored redacted (models.redaction) and both keys expire after the session's idle TTL.
"""

from __future__ import annotations

import json
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

import redis

from live import publish as live_publish
from models import keys
from models.minimise import for_storage, from_storage
from models.redaction import redact

# secrets.token_urlsafe(32): 43 characters of the URL-safe alphabet (256 bits).
_SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{43}$")
AUTHORS = ("customer", "assistant", "adviser", "system")
STATES = ("triage", "identity", "callback", "texts", "queued", "adviser", "ended")
_JSON_FIELDS = ("facts", "route", "callback", "decision", "offered", "identity", "concern",
                "links")


@dataclass
class ChatSession:
    """One chat's live state, as held in its Redis hash."""

    session_id: str
    contact_key: str
    state: str = "triage"
    mode: str = "assistant"  # "assistant" (Rasa) or "menu" (buttons, when Rasa is off or down)
    step: str = "need"  # the menu's next question
    queue_id: str = ""
    offer_queue: str = ""  # an adviser queue the customer may still ask for (information)
    adviser_name: str = ""
    callback_tries: int = 0
    facts: dict[str, Any] = field(default_factory=dict)
    route: dict[str, Any] | None = None
    callback: dict[str, Any] | None = None
    decision: dict[str, Any] | None = None
    offered: list[dict[str, str]] = field(default_factory=list)  # the last quick replies shown
    # The identity step (ivr.identity): its question, and the details so far only sealed.
    identity: dict[str, Any] | None = None
    # The screen's finding for the adviser's pop: kind, said outright, about whom (never words).
    concern: dict[str, Any] | None = None
    # The links of the information given, offered by text or e-mail (ivr.chat.links_offer):
    # the articles, the step and the tries; never the number or the address.
    links: dict[str, Any] | None = None

    def shown(self, text: str) -> str:
        """A pressed quick reply by its title, not its payload; other words as typed."""
        return {b["payload"]: b["title"] for b in self.offered}.get(text, text)

    @classmethod
    def from_hash(cls, session_id: str, data: dict[str, str]) -> ChatSession:
        """Rebuild from HGETALL's answer."""
        values: dict[str, Any] = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        for name in _JSON_FIELDS:
            if name in values:
                values[name] = from_storage(json.loads(values[name]))
        values["callback_tries"] = int(values.get("callback_tries", 0))
        return cls(session_id=session_id, **values)

    def to_hash(self) -> dict[str, str]:
        """The fields as Redis strings."""
        result: dict[str, str] = {}
        for name in self.__dataclass_fields__:
            if name == "session_id":
                continue
            value = getattr(self, name)
            # JSON fields as stored: postcodes as outward codes, no fact named after offending.
            result[name] = json.dumps(for_storage(value)) if name in _JSON_FIELDS else str(value)
        return result


def valid_session_id(session_id: str) -> bool:
    """True when `session_id` has the shape of one we issue (checked before touching Redis)."""
    return bool(_SESSION_ID.match(session_id))


class ChatStore:
    """Create, load and save chat sessions and append to their display transcripts."""

    def __init__(self, redis_client: redis.Redis, *, ttl_seconds: int, max_lines: int) -> None:
        self._redis = redis_client
        self.ttl_seconds = ttl_seconds
        self.max_lines = max_lines

    @property
    def redis(self) -> redis.Redis:
        """The connection this store uses (safeguarding alerts and callback updates share it)."""
        return self._redis

    def create(self, contact_key: str, *, session_id: str | None = None) -> ChatSession:
        """A new session with an unguessable id (the customer's only credential)."""
        session = ChatSession(session_id=session_id or secrets.token_urlsafe(32),
                              contact_key=contact_key)
        self.save(session)
        return session

    def load(self, session_id: str) -> ChatSession | None:
        """The session, or None when unknown or expired."""
        if not valid_session_id(session_id):
            return None
        data = self._redis.hgetall(keys.key(keys.CHAT_SESSION, session_id=session_id))
        return ChatSession.from_hash(session_id, data) if data else None

    def save(self, session: ChatSession) -> None:
        """Write the whole session and push both keys' expiry back."""
        key = keys.key(keys.CHAT_SESSION, session_id=session.session_id)
        with self._redis.pipeline(transaction=True) as pipe:
            pipe.hset(key, mapping=session.to_hash()).expire(key, self.ttl_seconds)
            pipe.expire(self._events_key(session.session_id), self.ttl_seconds)
            pipe.execute()

    def append(self, session_id: str, author: str, text: str,
               buttons: list[dict[str, str]] | None = None) -> str:
        """Add one line to the transcript and wake every stream; customer words are redacted."""
        if author not in AUTHORS:
            raise ValueError(f"unknown author {author!r}")
        shown = redact(text) if author == "customer" else text
        entry = {"type": "message", "from": author, "text": shown,
                 "buttons": json.dumps(buttons or [])}
        return self._add(session_id, entry)

    def announce(self, session_id: str, state: str, **detail: Any) -> str:
        """Tell the streams the chat's state changed (queued, with an adviser, ended)."""
        return self._add(session_id, {"type": "status", "state": state,
                                      "detail": json.dumps(detail)})

    def read(self, session_id: str, after: str, *, block_ms: int | None = None,
             count: int = 200) -> list[tuple[str, dict[str, Any]]]:
        """Transcript entries after stream id `after` ("0" for all), waiting up to `block_ms`."""
        answer = self._redis.xread({self._events_key(session_id): after}, count=count,
                                   block=block_ms)
        entries = answer[0][1] if answer else []
        return [(entry_id, decoded(fields)) for entry_id, fields in entries]

    def transcript(self, session_id: str) -> list[dict[str, Any]]:
        """Every message line so far (for the adviser taking the chat)."""
        entries = self._redis.xrange(self._events_key(session_id))
        lines = [decoded(fields) for _, fields in entries]
        return [line for line in lines if line.get("type") == "message"]

    def forget(self, session_id: str) -> None:
        """Drop the session and its transcript at once (used by erasure and tests)."""
        self._redis.delete(keys.key(keys.CHAT_SESSION, session_id=session_id),
                           self._events_key(session_id))

    def _add(self, session_id: str, entry: dict[str, str]) -> str:
        # live.publish also hands the entry to the events front's followers of this chat.
        return live_publish.add(self._redis, self._events_key(session_id), entry,
                                maxlen=self.max_lines, ttl_seconds=self.ttl_seconds)

    @staticmethod
    def _events_key(session_id: str) -> str:
        return keys.key(keys.CHAT_EVENTS, session_id=session_id)


def decoded(fields: dict[str, str]) -> dict[str, Any]:
    """A stream entry's fields with its JSON parts parsed."""
    result: dict[str, Any] = dict(fields)
    for name in ("buttons", "detail"):
        if name in result:
            result[name] = json.loads(result[name])
    return result
