"""Digressions during triage: why we ask, not knowing, a question, repeating, a change of need."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from bot.actions.payload import has_response

NEED_OF_INTENT = {
    "ask_information": "information", "ask_advice": "advice", "ask_face_to_face": "face_to_face",
    "make_complaint": "complaint", "give_feedback": "feedback",
}


class ActionExplainWhy(Action):
    """"Why do you need my age?": explains the question being asked, once.

    Asked again for the same question, "why do you need that" is a refusal: the customer stays
    anonymous (000:L68) and the question is not asked a third time.
    """

    def name(self) -> str:
        """The action the digression rules run for "why"."""
        return "action_explain_why"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Utters the reason for the requested fact, or the general reason; declines it after."""
        requested = tracker.get_slot("requested_slot")
        explained = list(tracker.get_slot("why_asked") or [])
        if requested and requested in explained and requested in PERSONAL:
            return refuse(dispatcher, tracker)
        response = f"utter_why_{requested}"
        if not has_response(domain, response):
            response = "utter_why_general"
        dispatcher.utter_message(response=response)
        if requested and requested not in explained:
            return [SlotSet("why_asked", [*explained, requested])]
        return []


class ActionDontKnow(Action):
    """"I don't know" or "I'd rather not say": triage goes on without the fact, by its rules.

    - A refusal ("I'd rather not say", "none of your business") makes the customer anonymous
      (000:L68): no more personal questions, and the rules serve them information.
    - Not knowing whether they claim benefits is asked once more in other words (it decides
      young person or adult at 18: 001:5.2, 5.3); not knowing again is taken as not claiming,
      so the young people's team (people) takes them.
    - Not knowing what they need, before any question, is asked once more in other words (or
      their age); not knowing again starts triage without the need: the age decides the rest
      (the young people's team, or a person for an adult).
    - Otherwise the fact is never asked again (`declined`).
    """

    def name(self) -> str:
        """The action the digression rules run for "don't know"."""
        return "action_dont_know"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """Declines the requested fact, asks it again in other words, or starts triage."""
        if _refused_now(tracker):
            return refuse(dispatcher, tracker)
        requested = tracker.get_slot("requested_slot")
        if requested is None and tracker.active_loop_name is None:
            if tracker.get_slot("destination") is not None or tracker.get_slot("need"):
                dispatcher.utter_message(response="utter_that_is_fine")
                dispatcher.utter_message(response="utter_anything_else")
                return []
            rephrased = list(tracker.get_slot("rephrased") or [])
            if "need" not in rephrased:
                # "I don't know" to "how can we help?": the need in other words, once.
                dispatcher.utter_message(response="utter_ask_need_again")
                return [SlotSet("rephrased", [*rephrased, "need"])]
            # Still not known: triage goes on without the need (the age decides the rest).
            dispatcher.utter_message(response="utter_that_is_fine")
            return [SlotSet("declined", _with(tracker, "need")), FollowupAction("triage_form")]
        rephrased = list(tracker.get_slot("rephrased") or [])
        if requested in REPHRASE and requested not in rephrased:
            # The form asks it again through action_ask_<fact>, now in other words.
            return [SlotSet("rephrased", [*rephrased, requested])]
        dispatcher.utter_message(response="utter_that_is_fine")
        if requested == "jobcentre_plus_claimant":
            # Still not known after the question in other words: a claimant signs on in person
            # and knows it, so an 18-year-old who cannot say is taken as not claiming, and the
            # young people's team (people, who can check) takes them (001:5.2).
            return [SlotSet("jobcentre_plus_claimant", False), FollowupAction("triage_form")]
        return [SlotSet("declined", _with(tracker, requested))] if requested else []


# Facts that are personal details: asking "why" a second time about one is a refusal.
PERSONAL = ("age", "postcode", "nation", "jobcentre_plus_claimant", "in_custody",
            "learning_difficulty_or_disability", "qualification_level", "in_work",
            "months_out_of_work", "facing_redundancy", "in_education_or_training")
# Facts asked once more in other words when the customer does not know: what they decide is
# hard to know by its official name (a claimant may not know "Jobcentre Plus").
REPHRASE = ("jobcentre_plus_claimant",)


def refuse(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The customer will not say: anonymous from now on, the question declined (000:L68)."""
    dispatcher.utter_message(response="utter_anonymous_ok")
    requested = tracker.get_slot("requested_slot")
    events: list[EventType] = [SlotSet("anonymous", True)]
    if requested:
        events.append(SlotSet("declined", _with(tracker, requested)))
    elif tracker.active_loop_name is None:
        # Refused before any question, or after the route (while waiting): decide again.
        events.append(FollowupAction("triage_form"))
    return events


def _refused_now(tracker: Tracker) -> bool:
    """True when the latest message refused to say (FactExtractor's `anonymous` entity)."""
    entities = (tracker.latest_message or {}).get("entities") or []
    return any(e.get("entity") == "anonymous" and e.get("value") is True for e in entities)


def _with(tracker: Tracker, name: str) -> list[str]:
    declined = list(tracker.get_slot("declined") or [])
    return declined if name in declined else [*declined, name]


class ActionAskJobcentrePlusClaimant(Action):
    """Asks whether the customer claims through Jobcentre Plus; in other words the second time."""

    def name(self) -> str:
        """The form calls it to ask for `jobcentre_plus_claimant`."""
        return "action_ask_jobcentre_plus_claimant"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[EventType]:
        """The usual question, or the rephrased one once the customer did not know."""
        again = "jobcentre_plus_claimant" in (tracker.get_slot("rephrased") or [])
        dispatcher.utter_message(response="utter_ask_jobcentre_plus_claimant_again" if again
                                 else "utter_ask_jobcentre_plus_claimant")
        return []


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
