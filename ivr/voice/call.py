"""One webhook of one call: its state, its form, the app's services, and helpers to answer it."""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import redis
from sqlalchemy.engine import Engine

from ivr.rasa_client import RasaClient
from ivr.voice import twiml
from ivr.voice.state import ASSISTANT, CallState, CallStore
from ivr.voice.timeline import Timeline, now
from ivr.voice.voice_config import VoiceConfig
from routing import Directory, EmergencyClosures


@dataclass(frozen=True)
class Services:
    """What the voice channel uses, created once per app (connections come from the factory)."""

    config: VoiceConfig
    store: CallStore
    engine: Engine
    redis: redis.Redis
    rasa: RasaClient | None
    directory: Directory
    closures: EmergencyClosures
    clock: Callable[[], datetime] = now  # tests pass a fixed clock to pin opening hours

    def closed_ids(self) -> frozenset[str]:
        """Entity ids under an emergency closure right now (empty if Redis cannot say)."""
        return self.closures.closed_among(self.directory.entity_ids())


@dataclass
class Call:
    """The context of one webhook: answer it by returning TwiML from one of the helpers."""

    state: CallState
    form: Mapping[str, str]
    services: Services
    base_url: str
    at: datetime

    @property
    def config(self) -> VoiceConfig:
        """The channel's configuration."""
        return self.services.config

    timeline: Timeline
    # When this webhook must have been answered (seconds since the epoch; Twilio waits 15 s).
    answer_by: float = math.inf

    def seconds_left(self) -> float:
        """Seconds left to answer this webhook before the caller risks silence."""
        return self.answer_by - time.time()

    def url(self, path: str, **query: Any) -> str:
        """An absolute URL under /voice (Twilio needs fully qualified URLs for queues)."""
        suffix = f"?{urlencode(query)}" if query else ""
        return f"{self.base_url}/voice/{path}{suffix}"

    def prompt(self, name: str, **values: Any) -> str:
        """A configured prompt's words."""
        return self.config.prompt(name, **values)

    def emergency_first(self) -> list[str]:
        """The emergency line, once a call: said before anything else in the safeguarding route.

        Childline is for under-19s; it is said when the age is under 19 or not known (DOMAIN.md
        "Safeguarding").
        """
        if self.state.emergency_said:
            return []
        self.state.emergency_said = True
        age = self.state.facts.get("age")
        young = not isinstance(age, int) or age < 19
        return [self.config.emergency_numbers, *([self.prompt("childline")] if young else [])]

    def event_id(self, kind: str) -> str:
        """An id for an event of this webhook, stable across Twilio's retries of it."""
        return f"{self.state.step}:{kind}"

    def listen(self, texts: list[str], *, repeatable: list[str] | None = None) -> str:
        """Ask in the conversation: speech or a key, answered at /voice/turn."""
        self.state.phase = ASSISTANT
        return self._ask(texts, repeatable, lambda action: twiml.conversation(
            texts, action, self.config.speech), "turn")

    def keys(self, texts: list[str], question: str, *, digits: bool = False,
             repeatable: list[str] | None = None) -> str:
        """Ask a keypad question (answered at /voice/keypad): one key, or digits ended by #."""
        self.state.question = question
        return self._ask(texts, repeatable, lambda action: twiml.keypad(
            texts, action, self.config.speech, num_digits=None if digits else 1), "keypad")

    def gather(self, path: str, texts: list[str], build, *,
               repeatable: list[str] | None = None) -> str:
        """Ask with the TwiML `build(action)` makes, answered at /voice/`path` (identity step)."""
        self.state.question = None
        return self._ask(texts, repeatable, build, path)

    def _ask(self, texts: list[str], repeatable: list[str] | None, build, path: str) -> str:
        self.state.step += 1
        self.state.last_prompt = list(repeatable if repeatable is not None else texts)
        return build(self.url(path, s=self.state.step))

    def finish(self, texts: list[str]) -> str:
        """Say `texts` and a goodbye, then hang up."""
        return twiml.hangup([*texts, self.prompt("goodbye")], self.config.speech)


def build_call(state: CallState, form: Mapping[str, str], services: Services,
               base_url: str, answer_by: float = math.inf) -> Call:
    """A Call for this webhook, stamped with the current time."""
    timeline = Timeline(services.engine, state.contact_key, deferred=True)
    return Call(state=state, form=form, services=services, base_url=base_url,
                at=services.clock(), timeline=timeline, answer_by=answer_by)
