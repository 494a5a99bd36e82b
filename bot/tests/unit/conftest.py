"""Tracker fixtures for the actions' unit tests: real rasa_sdk Trackers from slots and events."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

DOMAIN_FILE = Path(__file__).resolve().parents[2] / "domain.yml"


@pytest.fixture(scope="session")
def domain() -> dict:
    """The assistant's domain as the action server receives it."""
    return yaml.safe_load(DOMAIN_FILE.read_text())


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    """Collects what an action says."""
    return CollectingDispatcher()


def make_tracker(slots: dict | None = None, *, intent: str = "tell_age", events: list | None = None,
                 metadata: dict | None = None, text: str = "") -> Tracker:
    """A tracker whose latest message has `intent` and whose slots are `slots`."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0}, "entities": [],
              "metadata": metadata or {}}
    return Tracker("unit-test", dict(slots or {}), latest, list(events or []), False, None,
                   {"name": "triage_form"}, "action_listen")


def responses(dispatcher: CollectingDispatcher) -> list[str]:
    """The response names the action uttered, in order."""
    return [m["response"] for m in dispatcher.messages if m.get("response")]


def payloads(dispatcher: CollectingDispatcher) -> list[dict]:
    """The custom payloads the action sent."""
    return [m["custom"] for m in dispatcher.messages if m.get("custom")]
