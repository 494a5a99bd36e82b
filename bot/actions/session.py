"""The start of a conversation: note the channel and any facts the channel already knows."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.facts import CHANNELS, known_facts_from_metadata

METADATA_SLOT = "session_started_metadata"


class ActionSessionStart(Action):
    """Starts a session with the `channel` slot set, so responses fit voice or chat."""

    def name(self) -> str:
        """Rasa's session start action, replaced."""
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Carries slots over, then sets the channel and known facts from the metadata."""
        events: list[EventType] = [SessionStarted()]
        events += [SlotSet(name, value) for name, value in tracker.slots.items()
                   if value is not None and name != METADATA_SLOT]
        events += session_slots(tracker.get_slot(METADATA_SLOT) or {})
        events.append(ActionExecuted("action_listen"))
        return events


def session_slots(metadata: dict[str, Any]) -> list[EventType]:
    """SlotSet events for the channel (default phone) and the facts the channel passed on."""
    channel = metadata.get("channel") if isinstance(metadata, dict) else None
    events: list[EventType] = [SlotSet("channel", channel if channel in CHANNELS else "phone")]
    if isinstance(metadata, dict):
        events += [SlotSet(name, value)
                   for name, value in known_facts_from_metadata(metadata).items()]
    return events
