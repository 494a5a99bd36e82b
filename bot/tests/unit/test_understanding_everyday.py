"""Customers as they really speak: facts on every turn, corrections, everyday words.

The safeguarding screen, language names and places come from triage, the same rules the app runs.
"""

from __future__ import annotations

import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.components.circumstances import find_circumstances
from bot.components.extractor import FactExtractor


def process(text: str, intent: str = "greet", confidence: float = 0.9,
            ranking: list[dict] | None = None) -> Message:
    """Run the component on one message as the classifier left it."""
    ranking = ranking or [{"name": intent, "confidence": confidence}]
    message = Message(data={"text": text, "intent": {"name": intent, "confidence": confidence},
                            "intent_ranking": ranking})
    FactExtractor().process([message])
    return message


def entities(message: Message) -> dict:
    return {e["entity"]: e["value"] for e in message.get("entities")}


def test_a_classifier_self_harm_guess_the_screen_does_not_share_is_overruled():
    message = process("i want work that is less dull", intent="express_self_harm",
                      ranking=[{"name": "express_self_harm", "confidence": 0.5},
                               {"name": "ask_advice", "confidence": 0.4}])
    assert message.get("intent")["name"] == "ask_advice"


def test_an_unsure_intent_with_facts_is_not_a_fallback():
    message = process("i'm 52, where do i start with a cv?", intent="nlu_fallback",
                      confidence=0.3)
    assert message.get("intent")["name"] == "ask_information"
    assert entities(message)["age"] == 52 and entities(message)["need"] == "information"


@pytest.mark.parametrize("text, age", [
    ("no hang on, i'm 31, not 13", 31), ("i'm 13 sorry i meant 31", 31),
    ("i'm thirteen actually i'm thirty one", 31), ("im 44 and my son is 16", 44),
])
def test_a_correction_keeps_the_age_meant(text, age):
    assert entities(process(text))["age"] == age


@pytest.mark.parametrize("text, language", [
    ("can i talk to someone in panjabi", "Punjabi"), ("anyone speak persian?", "Farsi"),
    ("polski prosze", "Polish"), ("je parle français", "French"),
])
def test_languages_by_any_common_name(text, language):
    message = process(text, intent="request_human", confidence=0.8)
    assert entities(message)["language"] == language
    assert message.get("intent")["name"] == "tell_language"


@pytest.mark.parametrize("text, nation", [
    ("i live in cardiff", "wales"), ("im up in glasgow", "scotland"),
    ("belfast", "northern_ireland"),
    ("i'm in jersey", "jersey"), ("the isle of man", "isle_of_man"),
])
def test_where_the_customer_lives_in_words(text, nation):
    assert entities(process(text))["nation"] == nation


def test_a_past_conviction_is_the_neutral_fact_not_custody():
    found = {f.entity: f.value for f in find_circumstances(
        "i got out of prison last year and want advice")}
    assert found.get("ex_offender") is True and "in_custody" not in found
    assert {f.entity: f.value for f in find_circumstances("i'm in prison")}["in_custody"] is True


@pytest.mark.parametrize("text, need", [
    ("i've got an appointment at the jobcentre but want to know about courses", "information"),
    ("how do i get promoted at work", "advice"),
    ("i'd like to book an appointment", "face_to_face"),
])
def test_everyday_words_read_as_what_they_mean(text, need):
    found = {f.entity: f.value for f in find_circumstances(text)}
    assert found.get("need") == need


def test_a_forced_intent_is_not_ambiguous_with_the_classifiers_runner_up():
    message = process("i'm thirty five and i just want the website for courses",
                      intent="give_feedback", confidence=0.91,
                      ranking=[{"name": "give_feedback", "confidence": 0.91},
                               {"name": "ask_information", "confidence": 0.85}])
    ranking = message.get("intent_ranking")
    assert message.get("intent")["name"] == "ask_information"
    assert ranking[0]["confidence"] - ranking[1]["confidence"] >= 0.1


@pytest.mark.parametrize(("text", "intent"), [
    ("hi so basically i'm thirteen and i want to be a vet", "tell_age"),
    ("just the website", None),
])
def test_complaints_and_feedback_need_words_about_the_service(text, intent):
    message = process(text, intent="give_feedback", confidence=1.0,
                      ranking=[{"name": "give_feedback", "confidence": 1.0},
                               {"name": "tell_age", "confidence": 0.1}])
    assert message.get("intent")["name"] != "give_feedback"
    assert intent is None or message.get("intent")["name"] == intent


@pytest.mark.parametrize("text", ["the adviser i spoke to was rude", "nobody called me back",
                                  "i'd like to leave some feedback"])
def test_a_complaint_about_the_service_stays_one(text):
    message = process(text, intent="make_complaint", confidence=0.9)
    assert message.get("intent")["name"] in ("make_complaint", "give_feedback")


@pytest.mark.parametrize(("text", "need"), [
    ("can i talk to an adviser about nursing", "advice"),
    ("actually no i'd rather talk to an adviser", "advice"),
    ("i don't know what course to do", "advice"),
    ("i want someone to look at my cv", "advice"),
    ("very unhappy with the advice i was given", "complaint"),
    ("what is a good cv", "information"),
])
def test_needs_said_in_everyday_words(text, need):
    found = {f.entity: f.value for f in find_circumstances(text)}
    assert found.get("need") == need


def test_a_need_inferred_from_a_topic_is_marked_so():
    need = next(e for e in process("what is an apprenticeship").get("entities")
                if e["entity"] == "need")
    assert need["role"] == "inferred"
