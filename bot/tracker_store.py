"""A Redis tracker store that writes conversations redacted (001:20.2-20.4, 001:29.1).

The assistant works on the customer's raw words for the turn in memory (its understanding, its
form's slot filling, its actions all see them), and this store redacts on save: the customer's
text and free-text values become `[restricted]`, `[phone]`, `[email]`, `[postcode]` ... with the
same rules and word list as the app's records (`models.redaction.redact_by_rule`, standard library
only: this runs inside Rasa's own Python). Structured slots the conversation still needs keep their
values, minimised: the postcode only as its outward code ("M1", enough for triage), and slots
whose names would say a customer is in custody are stored under a neutral alias (001:20.3),
restored when the conversation is read back.

It stays a Redis store, so several Rasa processes share one conversation; each conversation
expires `record_exp` seconds after its last turn (endpoints.yml), and the app deletes it when the
call or chat ends. bot/endpoints.yml configures it as
`type: bot.tracker_store.RedactingTrackerStore`.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from bot import rasa_process
from bot.redis_auth import redis_credentials
from models.redaction import redact_by_rule

# Rasa imports this module when it starts: its per-turn overheads go too (bot/rasa_process.py).
rasa_process.install()
logger = logging.getLogger(__name__)

# Strings that are the assistant's own identifiers, never the customer's words.
_STRUCTURAL_KEYS = frozenset(
    {"event", "name", "policy", "entity", "extractor", "input_channel", "message_id",
     "intent_name", "action_name", "utter_action", "role", "group", "processor"}
)
_IDENTIFIER = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)+$")
# Parts of the assistant's identifiers that name a restricted word, and the neutral word each is
# stored as (001:20.3: an offender indicator only as a neutral value such as "non-community").
_DEFAULT_ALIASES = {"custody": "noncommunity", "offender": "noncommunityx"}


@lru_cache(maxsize=4096)
def _redact(text: str) -> str:
    """Redaction is pure; a conversation's older lines are met again on every save."""
    return redact_by_rule(text)


class RedactingTrackerStore(RedisTrackerStore):
    """RedisTrackerStore whose stored conversations carry no restricted word or personal datum."""

    def __init__(
        self,
        domain: Domain,
        host: str = "localhost",
        port: int = 6379,
        db: int = 0,
        record_exp: float | None = None,
        key_prefix: str | None = None,
        outward_slots: Iterable[str] = ("postcode",),
        kept_slots: Iterable[str] = (),
        aliases: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> None:
        """As RedisTrackerStore; `outward_slots` keep only a postcode's outward code, `kept_slots`
        keep their values as they are, `aliases` rename restricted parts of identifiers."""
        super().__init__(domain, host=host, port=int(port), db=int(db),
                         record_exp=int(float(record_exp)) if record_exp else None,
                         key_prefix=key_prefix, **{**redis_credentials(), **kwargs})
        self.outward_slots = frozenset(outward_slots or ())
        self.kept_slots = frozenset(kept_slots or ())
        self.aliases = dict(_DEFAULT_ALIASES if aliases is None else aliases)
        self.unaliases = {stored: part for part, stored in self.aliases.items()}

    def serialise_tracker(self, tracker: DialogueStateTracker) -> str:  # type: ignore[override]
        """The conversation as JSON, every event redacted."""
        dialogue = tracker.as_dialogue().as_dict()
        dialogue["events"] = [self.redact_event(event) for event in dialogue["events"]]
        return json.dumps(dialogue)

    def deserialise_tracker(
        self, sender_id: str, serialised_tracker: Any
    ) -> DialogueStateTracker | None:
        """Read a stored conversation back, restoring aliased identifiers."""
        data = json.loads(serialised_tracker)
        data["events"] = [self._restore(event) for event in data.get("events", [])]
        return super().deserialise_tracker(sender_id, json.dumps(data))

    async def save(self, tracker: DialogueStateTracker, timeout: float | None = None) -> None:
        """Save the conversation redacted, keeping earlier sessions already stored.

        Rasa's own save merges the stored tracker with this one by comparing events; stored
        events are redacted and this turn's are not, so they never compare equal. Instead, the
        stored events older than this tracker's first event (earlier sessions) are kept as they
        are, and this tracker's events are redacted and appended.
        """
        await self.stream_events(tracker)
        key = self.key_prefix + tracker.sender_id
        prior: list = []
        stored = self.red.get(key)
        if stored is not None and tracker.events:
            first = tracker.events[0].timestamp
            prior = [e for e in json.loads(stored).get("events", [])
                     if e.get("timestamp", 0) < first]
        dialogue = tracker.as_dialogue().as_dict()
        events = prior + [self.redact_event(event) for event in dialogue["events"]]
        self.red.set(key, json.dumps({"name": tracker.sender_id, "events": events}),
                     ex=int(timeout or self.record_exp) if (timeout or self.record_exp) else None)

    def redact_event(self, event: dict[str, Any]) -> dict[str, Any]:
        """One event as it may be stored."""
        kind = event.get("event")
        if kind == "slot":
            return {**self._walk(event), "value": self._slot_value(event.get("name"),
                                                                   event.get("value"))}
        if kind == "user":
            parse = dict(event.get("parse_data") or {})
            entities = [
                {**self._walk(e), "value": self._slot_value(e.get("entity"), e.get("value"))}
                for e in parse.pop("entities", None) or []
            ]
            stored = self._walk({k: v for k, v in event.items() if k != "parse_data"})
            return {**stored, "parse_data": {**self._walk(parse), "entities": entities}}
        return self._walk(event)

    def _slot_value(self, name: Any, value: Any) -> Any:
        """A slot's (or the entity filling it) value as stored: kept, cut to an outward code,
        aliased if it is one of the assistant's identifiers (a requested slot), or redacted."""
        if name in self.kept_slots or not isinstance(value, str):
            return self._walk(value)
        if name in self.outward_slots:
            return value.strip().split(" ", 1)[0].upper()
        return self._walk(value)

    def _walk(self, value: Any, key: str | None = None) -> Any:
        """Identifiers aliased, every other string redacted, through dicts and lists."""
        if isinstance(value, str):
            if key in _STRUCTURAL_KEYS or _IDENTIFIER.match(value):
                return self._alias(value, self.aliases)
            return _redact(value)
        if isinstance(value, dict):
            return {self._alias(k, self.aliases): self._walk(v, k) for k, v in value.items()}
        if isinstance(value, list):
            return [self._walk(v, key) for v in value]
        return value

    def _restore(self, value: Any) -> Any:
        if isinstance(value, str):
            return self._alias(value, self.unaliases)
        if isinstance(value, dict):
            return {self._alias(k, self.unaliases): self._restore(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self._restore(v) for v in value]
        return value

    @staticmethod
    def _alias(identifier: str, table: dict[str, str]) -> str:
        """`identifier` with each underscore-separated part found in `table` replaced."""
        if not table or not (_IDENTIFIER.match(identifier) or identifier in table):
            return identifier
        return "_".join(table.get(part, part) for part in identifier.split("_"))
