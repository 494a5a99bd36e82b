"""The decision, hand-overs and digressions say the right thing and send the payload."""

from __future__ import annotations

import asyncio

from rasa_sdk.events import ActiveLoop, FollowupAction, SlotSet

from bot.actions.decision import ActionAcceptOffer, ActionTriageDecision
from bot.actions.digressions import (
    ActionAnswerTopic,
    ActionChangeNeed,
    ActionDontKnow,
    ActionExplainWhy,
    ActionRepeatLast,
    last_bot_turn,
)
from bot.actions.handover import ActionHandover, ActionSafeguarding
from bot.actions.session import ActionSessionStart
from bot.tests.unit.conftest import make_tracker, payloads, responses


def run(action, dispatcher, tracker, domain):
    """Run an action to completion."""
    return asyncio.run(action.run(dispatcher, tracker, domain))


def test_a_young_person_asking_about_apprenticeships(dispatcher, domain):
    tracker = make_tracker({"age": 17, "need": "information", "topic": "apprenticeships"},
                           metadata={"channel": "webchat"})

    events = run(ActionTriageDecision(), dispatcher, tracker, domain)

    assert responses(dispatcher) == ["utter_route_young_people_service",
                                     "utter_info_apprenticeships"]
    (payload,) = payloads(dispatcher)
    assert payload["triage"]["decision"]["destination"] == "young_people_service"  # 001:5.2
    assert payload["triage"]["facts"] == {"channel": "webchat", "age": 17, "need": "information"}
    assert events == [SlotSet("destination", "young_people_service")]


def test_redundancy_advice_offers_face_to_face(dispatcher, domain):
    tracker = make_tracker({"age": 45, "need": "advice", "postcode": "M1 1AE",
                            "facing_redundancy": True, "channel": "phone"})

    run(ActionTriageDecision(), dispatcher, tracker, domain)

    assert responses(dispatcher) == ["utter_route_prime_contractor_advice",
                                     "utter_offer_face_to_face"]  # 001:3.3
    decision = payloads(dispatcher)[0]["triage"]["decision"]
    assert decision["offer_face_to_face"] is True


def test_adult_information_without_a_topic_asks_for_one(dispatcher, domain):
    tracker = make_tracker({"age": 30, "need": "information"})
    run(ActionTriageDecision(), dispatcher, tracker, domain)

    assert responses(dispatcher) == ["utter_route_adult_information", "utter_ask_topic"]


def test_the_same_destination_again_is_not_announced_twice(dispatcher, domain):
    tracker = make_tracker({"age": 30, "need": "information", "topic": "cv",
                            "destination": "adult_information"})

    run(ActionTriageDecision(), dispatcher, tracker, domain)

    assert responses(dispatcher) == ["utter_info_cv", "utter_offer_adviser"]


def test_an_incomplete_decision_hands_over(dispatcher, domain):
    run(ActionTriageDecision(), dispatcher, make_tracker({"need": "advice", "declined": ["age"]}),
        domain)

    assert payloads(dispatcher)[0]["handover"] == "could_not_complete"


def test_safeguarding_hands_over_at_once_and_ends_the_form(dispatcher, domain):
    events = run(ActionSafeguarding(), dispatcher, make_tracker({"need": "advice"}), domain)

    assert responses(dispatcher) == ["utter_route_safeguarding"]
    payload = payloads(dispatcher)[0]
    assert payload["handover"] == "safeguarding"
    assert payload["triage"]["decision"]["destination"] == "safeguarding"  # 003:L211
    assert ActiveLoop(None) in events and SlotSet("safeguarding_concern", True) in events


def test_asking_for_a_person_passes_on_what_is_known(dispatcher, domain):
    events = run(ActionHandover(), dispatcher, make_tracker({"need": "advice", "age": 40}), domain)

    payload = payloads(dispatcher)[0]
    assert payload["handover"] == "customer_request"
    assert payload["triage"]["facts"]["age"] == 40
    assert ActiveLoop(None) in events


def test_yes_after_information_turns_into_advice(dispatcher, domain):
    tracker = make_tracker({"destination": "adult_information"}, intent="affirm")

    assert run(ActionAcceptOffer(), dispatcher, tracker, domain) == [
        SlotSet("need", "advice"), FollowupAction("triage_form")]


def test_yes_after_anything_else_asks_what_else(dispatcher, domain):
    assert run(ActionAcceptOffer(), dispatcher, make_tracker({"destination": "language_line"}),
               domain) == []
    assert responses(dispatcher) == ["utter_anything_else"]


def test_why_explains_the_question_being_asked(dispatcher, domain):
    run(ActionExplainWhy(), dispatcher, make_tracker({"requested_slot": "age"}), domain)
    run(ActionExplainWhy(), dispatcher, make_tracker({"requested_slot": "shoe_size"}), domain)

    assert responses(dispatcher) == ["utter_why_age", "utter_why_general"]


def test_dont_know_declines_the_requested_fact(dispatcher, domain):
    tracker = make_tracker({"requested_slot": "postcode", "declined": ["age"]})

    assert run(ActionDontKnow(), dispatcher, tracker, domain) == [
        SlotSet("declined", ["age", "postcode"])]


def test_a_question_mid_form_is_answered_when_it_is_a_known_topic(dispatcher, domain):
    run(ActionAnswerTopic(), dispatcher, make_tracker({"topic": "funding"}), domain)
    run(ActionAnswerTopic(), dispatcher, make_tracker({"topic": None}), domain)

    assert responses(dispatcher) == ["utter_info_funding", "utter_of_course"]


def test_a_new_need_mid_form_replaces_the_old(dispatcher, domain):
    tracker = make_tracker({"need": "advice"}, intent="make_complaint")

    assert run(ActionChangeNeed(), dispatcher, tracker, domain) == [SlotSet("need", "complaint")]


def test_repeat_sends_the_previous_turn_again(dispatcher, domain):
    events = [{"event": "user", "text": "hi"}, {"event": "bot", "text": "Hello."},
              {"event": "bot", "text": "How can we help?", "data": {"buttons": []}},
              {"event": "user", "text": "say that again"}]

    run(ActionRepeatLast(), dispatcher, make_tracker({}, events=events), domain)

    assert [m["text"] for m in dispatcher.messages] == ["Hello.", "How can we help?"]
    assert last_bot_turn(events[:1]) == []


def test_session_start_sets_the_channel_and_known_facts(dispatcher, domain):
    metadata = {"channel": "webchat", "facts": {"jobcentre_plus_claimant": True}}
    tracker = make_tracker({"session_started_metadata": metadata, "age": 30})

    events = run(ActionSessionStart(), dispatcher, tracker, domain)

    assert events[0]["event"] == "session_started"
    assert SlotSet("age", 30) in events  # carried over
    assert SlotSet("channel", "webchat") in events
    assert SlotSet("jobcentre_plus_claimant", True) in events
    assert events[-1]["event"] == "action" and events[-1]["name"] == "action_listen"
