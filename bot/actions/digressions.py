"""Digressions during triage: why we ask, not knowing, a question, repeating, a change of need."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.payload import has_response

NEED_OF_INTENT = {
    "ask_information": "information", "ask_advice": "advice", "ask_face_to_face": "face_to_face",
    "make_complaint": "complaint", "give_feedback": "feedback",
}


class ActionExplainWhy(Action):
    """"Why do you need my age?": explains the question being asked."""

    def name(self) -> str:
        """The action the digression rules run for "why"."""
        return "action_explain_why"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Utters the reason for the requested fact, or the general reason."""
        response = f"utter_why_{tracker.get_slot('requested_slot')}"
        if not has_response(domain, response):
            response = "utter_why_general"
        dispatcher.utter_message(response=response)
        return []


class ActionDontKnow(Action):
    """"I don't know": the fact is never asked again; triage goes on without it."""

    def name(self) -> str:
        """The action the digression rules run for "don't know"."""
        return "action_dont_know"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Adds the requested fact to `declined`."""
        dispatcher.utter_message(response="utter_that_is_fine")
        declined = list(tracker.get_slot("declined") or [])
        requested = tracker.get_slot("requested_slot")
        if requested and requested not in declined:
            declined.append(requested)
        return [SlotSet("declined", declined)]


class ActionAnswerTopic(Action):
    """A question in the middle of triage: answered if it is a common topic."""

    def name(self) -> str:
        """The action the digression rules run for a question during the form."""
        return "action_answer_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Utters the topic's answer, or says it will come back to the question."""
        response = f"utter_info_{tracker.get_slot('topic')}"
        dispatcher.utter_message(response=response if has_response(domain, response)
                                 else "utter_of_course")
        return []


class ActionChangeNeed(Action):
    """"Actually, I want to make a complaint": the need changes and triage carries on."""

    def name(self) -> str:
        """The action the digression rules run for a new need during the form."""
        return "action_change_need"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Sets `need` from the latest intent."""
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        need = NEED_OF_INTENT.get(intent)
        return [SlotSet("need", need)] if need else []


class ActionRepeatLast(Action):
    """"Say that again": repeats what the assistant said last."""

    def name(self) -> str:
        """The action the rules run for "repeat" outside the form."""
        return "action_repeat_last"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Re-sends the assistant's messages from before the customer's latest turn."""
        for message in last_bot_turn(tracker.events):
            dispatcher.utter_message(text=message.get("text"),
                                     buttons=(message.get("data") or {}).get("buttons") or [])
        if not last_bot_turn(tracker.events):
            dispatcher.utter_message(response="utter_greet")
        return []


def last_bot_turn(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The text messages the assistant sent between the last two customer turns."""
    turn: list[dict[str, Any]] = []
    users_seen = 0
    for event in reversed(events):
        if event.get("event") == "user":
            users_seen += 1
            if users_seen == 2:
                break
        elif event.get("event") == "bot" and users_seen == 1 and event.get("text"):
            turn.insert(0, event)
    return turn
