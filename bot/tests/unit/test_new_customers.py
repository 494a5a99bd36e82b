"""Customers the assistant never met: refusals, not knowing, home versus roots, chatty turns,
corrections after the route. Each kind on real rasa_sdk trackers, decided by triage's rules."""

from __future__ import annotations

import asyncio

import pytest
from rasa.shared.nlu.training_data.message import Message
from rasa_sdk import Tracker
from rasa_sdk.events import FollowupAction, SlotSet

from bot.actions.digressions import (
    ActionAskJobcentrePlusClaimant,
    ActionDontKnow,
    ActionExplainWhy,
)
from bot.actions.facts import facts_from
from bot.actions.triage_form import next_question
from bot.components.circumstances import find_circumstances
from bot.components.extractor import FactExtractor
from bot.tests.unit.conftest import make_tracker, responses
from triage import decide
from triage.postcodes import lookup

ASKABLE = ["need", "age", "postcode", "jobcentre_plus_claimant", "in_custody", "language"]
REFUSED = {"entity": "anonymous", "value": True, "start": 0, "end": 5}


def run(action, dispatcher, tracker, domain):
    return asyncio.run(action.run(dispatcher, tracker, domain))


def apply(tracker: Tracker, events: list) -> Tracker:
    """The tracker as the next action sees it after `events`."""
    for event in events:
        if isinstance(event, dict) and event.get("event") == "slot":
            tracker.slots[event["name"]] = event["value"]
    return tracker


def outside_form(slots: dict | None = None, *, intent: str = "dont_know", text: str = "",
                 entities: list | None = None) -> Tracker:
    """A tracker with no form active, as before the first question."""
    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0},
              "entities": entities or [], "metadata": {}}
    return Tracker("unit-test", dict(slots or {}), latest, [], False, None, {}, "action_listen")


def process(text: str, intent: str, confidence: float = 0.9) -> Message:
    message = Message(data={"text": text, "intent": {"name": intent, "confidence": confidence},
                            "intent_ranking": [{"name": intent, "confidence": confidence}]})
    FactExtractor().process([message])
    return message


# -- anonymity: a refusal at any question (000:L68) -------------------------------------------

@pytest.mark.parametrize("text", [
    "I'd rather not say", "no id rather not say thanks", "prefer not to", "none of your business",
    "i dont want to give you my postcode", "im not telling you that", "that's private",
])
def test_a_refusal_is_found_however_it_is_said(text):
    found = {f.entity: f.value for f in find_circumstances(text)}
    assert found.get("anonymous") is True


@pytest.mark.parametrize("text", [
    "i would rather not go to university", "i'd prefer not to work nights", "i dont know",
])
def test_a_preference_or_not_knowing_is_no_refusal(text):
    assert "anonymous" not in {f.entity for f in find_circumstances(text)}


def test_a_refusal_the_classifier_reads_as_no_is_declining_the_question():
    message = process("i'd rather not say", intent="deny", confidence=0.65)
    assert message.get("intent")["name"] == "dont_know"


def test_a_need_said_with_a_refusal_keeps_the_need():
    message = process("i want some advice but i'd rather not give my name", intent="ask_advice")
    assert message.get("intent")["name"] == "ask_advice"
    assert {"anonymous", "need"} <= {e["entity"] for e in message.get("entities")}


@pytest.mark.parametrize("requested", ["postcode", "age", "jobcentre_plus_claimant"])
def test_refusing_a_question_makes_the_customer_anonymous_and_ends_with_information(
        requested, dispatcher, domain):
    slots = {"need": "advice", "channel": "phone", "requested_slot": requested,
             "age": None if requested == "age" else (18 if "jobcentre" in requested else 30)}
    tracker = make_tracker(slots, intent="dont_know", text="i'd rather not say")
    tracker.latest_message["entities"] = [REFUSED]

    events = run(ActionDontKnow(), dispatcher, tracker, domain)

    assert SlotSet("anonymous", True) in events
    assert any(e.get("name") == "declined" and requested in e["value"] for e in events)
    assert responses(dispatcher) == ["utter_anonymous_ok"]
    tracker = apply(tracker, events)
    assert next_question(tracker, ASKABLE) == []  # never asked again
    assert decide(facts_from(tracker)).destination == "adult_information"  # 000:L68


def test_a_refusal_before_any_question_starts_triage_as_anonymous(dispatcher, domain):
    tracker = outside_form(text="i'd rather not say", entities=[REFUSED])

    events = run(ActionDontKnow(), dispatcher, tracker, domain)

    assert SlotSet("anonymous", True) in events and FollowupAction("triage_form") in events
    assert decide(facts_from(apply(tracker, events))).destination == "adult_information"


def test_why_asked_twice_for_the_same_question_is_a_refusal(dispatcher, domain):
    slots = {"need": "advice", "requested_slot": "age"}
    first = run(ActionExplainWhy(), dispatcher, make_tracker(slots, intent="ask_why"), domain)
    assert responses(dispatcher) == ["utter_why_age"]
    assert first == [SlotSet("why_asked", ["age"])]

    second = run(ActionExplainWhy(), dispatcher,
                 make_tracker({**slots, "why_asked": ["age"]}, intent="ask_why"), domain)

    assert responses(dispatcher)[-1] == "utter_anonymous_ok"
    assert SlotSet("anonymous", True) in second
    assert SlotSet("declined", ["age"]) in second


def test_why_about_the_need_is_always_explained(dispatcher, domain):
    slots = {"requested_slot": "need", "why_asked": ["need"]}
    assert run(ActionExplainWhy(), dispatcher, make_tracker(slots, intent="ask_why"),
               domain) == []
    assert responses(dispatcher) == ["utter_why_need"]


# -- not knowing ------------------------------------------------------------------------------

def test_not_knowing_what_they_need_is_asked_once_more_in_other_words(dispatcher, domain):
    events = run(ActionDontKnow(), dispatcher, outside_form(text="not sure what i need"), domain)

    assert events == [SlotSet("rephrased", ["need"])]  # not "anything else?", never goodbye
    assert responses(dispatcher) == ["utter_ask_need_again"]
    again = domain["responses"]["utter_ask_need_again"]
    assert all("your age" in variant["text"] for variant in again)


def test_not_knowing_what_they_need_twice_starts_triage_and_a_16_year_old_gets_the_young_team(
        dispatcher, domain):
    tracker = outside_form({"rephrased": ["need"]}, text="i don't know")

    events = run(ActionDontKnow(), dispatcher, tracker, domain)

    assert SlotSet("declined", ["need"]) in events and FollowupAction("triage_form") in events
    tracker = apply(tracker, events)
    assert next_question(tracker, ASKABLE) == ["age"]  # not the need again, not goodbye
    tracker.slots["age"] = 16
    assert decide(facts_from(tracker)).destination == "young_people_service"  # 001:5.2


def test_an_adult_not_knowing_what_they_need_goes_to_a_person(dispatcher, domain):
    unsure = outside_form({"rephrased": ["need"]})
    tracker = apply(unsure, run(ActionDontKnow(), dispatcher, unsure, domain))
    tracker.slots["age"] = 40
    assert next_question(tracker, ASKABLE) == []
    assert decide(facts_from(tracker)).destination == "incomplete"  # the decision hands over


def test_not_knowing_after_a_decision_asks_if_there_is_anything_else(dispatcher, domain):
    tracker = outside_form({"destination": "adult_information", "need": "information"})
    assert run(ActionDontKnow(), dispatcher, tracker, domain) == []
    assert responses(dispatcher) == ["utter_that_is_fine", "utter_anything_else"]


def test_unsure_of_benefits_is_asked_in_other_words_once_then_is_taken_as_not_claiming(
        dispatcher, domain):
    slots = {"need": "advice", "age": 18, "requested_slot": "jobcentre_plus_claimant"}
    tracker = make_tracker(slots, intent="dont_know", text="not sure")

    events = run(ActionDontKnow(), dispatcher, tracker, domain)

    assert events == [SlotSet("rephrased", ["jobcentre_plus_claimant"])]
    tracker = apply(tracker, events)
    assert next_question(tracker, ASKABLE) == ["jobcentre_plus_claimant"]  # asked again...
    run(ActionAskJobcentrePlusClaimant(), dispatcher, tracker, domain)
    assert responses(dispatcher)[-1] == "utter_ask_jobcentre_plus_claimant_again"  # ...reworded
    assert "Jobcentre Plus" in domain["responses"]["utter_ask_jobcentre_plus_claimant_again"][0][
        "text"]

    events = run(ActionDontKnow(), dispatcher, tracker, domain)

    assert SlotSet("jobcentre_plus_claimant", False) in events
    tracker = apply(tracker, events)
    assert next_question(tracker, ASKABLE) == []
    # Then the young people's team: people, who can check what the customer could not say.
    assert decide(facts_from(tracker)).destination == "young_people_service"


def test_the_first_benefits_question_is_the_usual_one(dispatcher, domain):
    run(ActionAskJobcentrePlusClaimant(), dispatcher, make_tracker({}), domain)
    assert responses(dispatcher) == ["utter_ask_jobcentre_plus_claimant"]


# -- where someone lives, not where they are from ----------------------------------------------

@pytest.mark.parametrize(("text", "nation"), [
    ("I grew up in Cardiff but live in Leeds now", "england"),
    ("born in glasgow, living in london", "england"),
    ("im from cardiff but i live in bristol", "england"),
    ("originally from belfast, now in manchester", "england"),
    ("i used to live in wales but now im in york", "england"),
    ("i work in london but live in cardiff", "wales"),
    ("im from cardiff", "wales"),
])
def test_where_they_live_wins_over_where_they_are_from(text, nation):
    found = {f.entity: f.value for f in find_circumstances(text.lower())}
    # An English town is given as an outward code inside it; its nation follows from the code.
    area = lookup(found["postcode"]) if "postcode" in found else None
    assert (area.nation if area else found.get("nation")) == nation


@pytest.mark.parametrize(("text", "region"), [
    ("i'm in sheffield", "yorkshire-humber"),
    ("leicester city centre", "east-midlands"),
    ("i live in plymouth i don't know the postcode", "south-west"),
    ("just outside ipswich a village called kesgrave", "east-of-england"),
    ("live in crewe", "north-west"),
    ("i grew up in glasgow but live in leeds now", "yorkshire-humber"),
])
def test_an_english_town_named_as_home_is_a_known_area(text, region):
    found = {f.entity: f.value for f in find_circumstances(text)}
    assert lookup(found["postcode"]).region == region


def test_a_town_only_grown_up_in_gives_no_area():
    text = "i grew up in leeds but live in cardiff"
    found = {f.entity: f.value for f in find_circumstances(text)}
    assert "postcode" not in found and found["nation"] == "wales"


def test_only_where_they_grew_up_leaves_the_postcode_to_ask():
    assert "nation" not in {f.entity for f in find_circumstances("i grew up in cardiff")}


# -- chatty turns and a closing with a need ----------------------------------------------------

@pytest.mark.parametrize(("text", "need"), [
    ("thanks in advance, bye for now, I need info on nursing courses", "ask_information"),
    ("cheers mate bye for now, i need some advice about a career change", "ask_advice"),
])
def test_a_first_turn_with_a_closing_and_a_need_is_the_need(text, need):
    assert process(text, intent="goodbye", confidence=0.8).get("intent")["name"] == need


def test_chatty_turn_keeps_its_facts_and_reads_wanting_a_change_as_advice():
    text = ("hiya so basically ive been working in retail for ages and im 34 now and honestly i"
            " just want something different, not sure where to start, i live in leeds btw")
    message = process(text, intent="ask_face_to_face", confidence=0.45)
    values = {e["entity"]: e["value"] for e in message.get("entities")}
    assert values["age"] == 34 and values["need"] == "advice"
    assert lookup(values["postcode"]).region == "yorkshire-humber"  # Leeds: a known area
    assert message.get("intent")["name"] == "ask_advice"


# -- a correction after the route ---------------------------------------------------------------

@pytest.mark.parametrize("text", ["sorry I'm 17 not 71", "sorry im seventeen not seventy one"])
def test_a_correction_after_the_route_gives_the_corrected_age(text):
    ages = [e["value"] for e in process(text, intent="tell_age").get("entities")
            if e["entity"] == "age"]
    assert ages == [17]
