"""The end of triage: say where the customer goes, answer an information need, tell the channel."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.facts import channel_of
from bot.actions.payload import decide_now, has_response, send_decision

INFORMATION_DESTINATIONS = ("adult_information", "young_people_service")


class ActionTriageDecision(Action):
    """Gives the decision: a short line for the route, the answer if asked, then the payload."""

    def name(self) -> str:
        """The action the rules run when the triage form completes."""
        return "action_triage_decision"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Sends the route line, any information answer and offers, and the decision payload."""
        decision, facts = decide_now(tracker)
        destination = decision.destination
        if tracker.get_slot("destination") != destination:
            dispatcher.utter_message(response=f"utter_route_{destination}")
        if destination == "prime_contractor_advice" and decision.offer_face_to_face:
            dispatcher.utter_message(response="utter_offer_face_to_face")
        if facts.get("need") == "information" and destination in INFORMATION_DESTINATIONS:
            answer_information(dispatcher, tracker, domain, destination)
        handover = "could_not_complete" if destination == "incomplete" else None
        send_decision(dispatcher, decision, facts, handover)
        return [SlotSet("destination", destination)]


def answer_information(
    dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any], destination: str
) -> None:
    """Answers the topic at the first point of contact (001:5.5), or asks which topic it is."""
    response = f"utter_info_{tracker.get_slot('topic')}"
    if has_response(domain, response):
        dispatcher.utter_message(response=response)
        if destination == "adult_information":
            dispatcher.utter_message(response="utter_offer_adviser")
    elif destination == "adult_information":
        dispatcher.utter_message(response="utter_ask_topic")


class ActionAfterNo(Action):
    """A "no" right after a decision: on the phone the call was asking "anything else?"."""

    def name(self) -> str:
        """The action the rules run for a no right after a decision."""
        return "action_after_no"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Says goodbye on the phone (the line asked already); asks "anything else?" on chat."""
        if channel_of(tracker) == "phone":
            dispatcher.utter_message(response="utter_goodbye")
        else:
            dispatcher.utter_message(response="utter_anything_else")
        return []


class ActionAcceptOffer(Action):
    """A "yes" after a decision: an adult who had information now wants an adviser."""

    def name(self) -> str:
        """The action the rules run for a yes right after a decision."""
        return "action_accept_offer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Turns the need into advice and triages again, or asks what else is needed."""
        if tracker.get_slot("destination") == "adult_information":
            return [SlotSet("need", "advice"), FollowupAction("triage_form")]
        dispatcher.utter_message(response="utter_anything_else")
        return []
