"""An uncertain fact is checked in one short question, and only when it can change the route."""

from __future__ import annotations

import asyncio

from rasa_sdk.events import SlotSet

from bot.actions.checks import (
    ActionAskConfirmed,
    age_readings,
    answer_check,
    new_check,
    postcode_readings,
)
from bot.actions.triage_form import ValidateTriageForm, next_question
from bot.tests.unit.conftest import make_tracker

ASKABLE = ["confirmed", "need", "age", "postcode", "jobcentre_plus_claimant", "nation"]
PHONE = {"channel": "phone"}


def _check(slots: dict, text: str, given: dict, *, confidence=None, requested=None):
    metadata = {"confidence": confidence} if confidence is not None else {}
    tracker = make_tracker({**slots, "requested_slot": requested, **given}, text=text,
                           metadata=metadata)
    return new_check(tracker, given)


def test_a_low_confidence_teen_or_ty_is_checked_when_it_changes_the_route():
    check = _check({"need": "advice", **PHONE}, "i'm fifty", {"age": 50}, confidence=0.38)
    assert check["value"] == 50 and check["others"] == [15]
    assert check["question"] == "Just to check, you're 50?"


def test_a_confident_age_is_not_checked():
    assert _check({"need": "advice", **PHONE}, "i'm fifty", {"age": 50}, confidence=0.92) is None


def test_two_readings_that_route_alike_are_not_checked():
    # Sixteen or seventeen: the young people's service either way.
    assert _check({"need": "advice"}, "sixteen or seventeen", {"age": 16}, requested="age") is None
    # Nineteen or ninety: an adult either way, for information.
    assert _check({"need": "information", **PHONE}, "i'm nineteen", {"age": 19},
                  confidence=0.4) is None


def test_two_ages_in_one_turn_check_the_one_said_of_the_person_it_is_for():
    text = "my son is 14 and im 45, he wants to know about apprenticeships"
    check = _check({"need": "information"}, text, {"age": 45})
    assert check["value"] == 14 and 45 in check["others"]
    assert check["question"] == "Just to check, is this for someone aged 14?"


def test_nearly_nineteen_is_eighteen_checked():
    proposal, readings = age_readings("i'm nearly nineteen", 19, None)
    assert proposal == 18 and set(readings) == {18, 19}
    check = _check({"need": "advice", **PHONE}, "nearly 19", {"age": 19}, requested="age")
    assert check["value"] == 18


def test_a_correction_is_not_two_readings():
    assert _check({"need": "advice", **PHONE}, "im 13 sorry i meant 31", {"age": 31}) is None


def test_a_low_confidence_postcode_with_a_sound_alike_area_is_checked_on_the_phone_only():
    assert postcode_readings("M20 2RN", 0.4) == ["M20 2RN", "N20 2RN"]
    slots = {"need": "advice", "age": 40}
    check = _check({**slots, **PHONE}, "em twenty two ar en", {"postcode": "M20 2RN"},
                   confidence=0.4)
    assert check["question"] == "Just to check, is your postcode M20 2RN?"
    # On chat, adult advice is the contact centre's wherever in England: nothing to check.
    assert _check({**slots, "channel": "webchat"}, "m20 2rn", {"postcode": "M20 2RN"},
                  confidence=0.4) is None


def test_a_place_in_two_nations_is_checked():
    check = _check({"need": "advice", "age": 40, **PHONE}, "newport", {})
    assert check["fact"] == "nation" and check["value"] == "wales"
    assert check["question"] == "Just to check, is that Newport in Wales?"
    assert _check({"need": "advice", "age": 40, **PHONE}, "newport in wales", {"nation": "wales"}
                  ) is None


def test_the_answer_yes_no_or_a_correction():
    check = {"fact": "age", "value": 50, "others": [15], "question": "Just to check, you're 50?"}
    done = {"check": None, "confirmed": None}
    assert answer_check(check, "yes", "affirm", {}) == {**done, "age": 50}
    assert answer_check(check, "yeah that's right", "tell_age", {}) == {**done, "age": 50}
    assert answer_check(check, "no", "deny", {}) == {**done, "age": None}  # asked again
    assert answer_check(check, "no fifteen", "tell_age", {"age": 15}) == done  # 15 taken
    place = {"fact": "nation", "value": "wales", "others": ["england"], "question": "?"}
    assert answer_check(place, "no", "deny", {}) == {**done, "nation": "england"}


def test_a_pending_check_is_asked_before_anything_else():
    tracker = make_tracker({"need": "advice", "nation": "wales", "check": {"fact": "nation"}})
    assert next_question(tracker, ASKABLE) == ["confirmed"]


def test_the_form_sets_the_check_and_then_takes_the_answer(dispatcher, domain):
    events = [{"event": "user", "text": "i'm fifty", "parse_data": {}},
              {"event": "slot", "name": "age", "value": 50}]
    tracker = make_tracker({"need": "advice", "age": 50, **PHONE, "requested_slot": "age"},
                           events=events, text="i'm fifty", metadata={"confidence": "0.41"})
    result = asyncio.run(ValidateTriageForm().run(dispatcher, tracker, domain))
    assert SlotSet("requested_slot", "confirmed") in result
    check = next(e["value"] for e in result if e["name"] == "check")
    assert check["value"] == 50
    answer = make_tracker({"need": "advice", "age": 50, **PHONE, "check": check,
                           "requested_slot": "confirmed", "confirmed": False},
                          intent="tell_age", text="no fifteen",
                          events=[{"event": "user", "text": "no fifteen", "parse_data": {}},
                                  {"event": "slot", "name": "age", "value": 15},
                                  {"event": "slot", "name": "confirmed", "value": False}])
    answer.slots["age"] = 15
    result = asyncio.run(ValidateTriageForm().run(dispatcher, answer, domain))
    assert SlotSet("age", 15) in result and SlotSet("check", None) in result
    assert SlotSet("requested_slot", None) in result  # 15: the young people's service


def test_the_check_is_asked_with_yes_and_no(dispatcher, domain):
    tracker = make_tracker({"check": {"question": "Just to check, you're 15?"}})
    asyncio.run(ActionAskConfirmed().run(dispatcher, tracker, domain))
    message = dispatcher.messages[0]
    assert message["text"] == "Just to check, you're 15?"
    assert [b["payload"] for b in message["buttons"]] == ["/affirm", "/deny"]


def _after(said_before: str, answer: str, age: int, confidence=None, **slots):
    """A check of `age` given as `answer`, after the customer said `said_before`."""
    events = [{"event": "user", "text": said_before}, {"event": "user", "text": answer}]
    metadata = {"confidence": confidence} if confidence is not None else {}
    tracker = make_tracker({"need": "information", **slots, "requested_slot": "age",
                            "age": age}, text=answer, events=events, metadata=metadata)
    return new_check(tracker, {"age": age})


def test_a_decade_after_talk_of_school_is_checked_as_the_teen_even_when_confident():
    check = _after("what can i do after my gcses", "i'm fifty", 50, confidence=0.9, **PHONE)
    assert check["value"] == 15 and check["question"] == "Just to check, you're 15?"


def test_a_typed_age_with_its_digits_swapped_after_talk_of_school_is_checked():
    check = _after("wat courses can i do after yr 11", "71", 71, channel="webchat")
    assert check["value"] == 17 and 71 in check["others"]


def test_without_talk_of_school_a_confident_decade_stands():
    assert _after("i want to know about nursing courses", "i'm fifty", 50, confidence=0.9,
                  **PHONE) is None


def test_seventy_heard_on_the_phone_is_checked_as_seventeen_without_talk_of_school():
    check = _check({"need": "information", **PHONE}, "seventy", {"age": 70}, confidence=0.9)
    assert check["value"] == 17 and 70 in check["others"]


def test_seventy_one_heard_on_the_phone_stands():
    """Speech is not typing: "seventy one" has no swapped digits to read."""
    assert _check({"need": "information", **PHONE}, "seventy one", {"age": 71},
                  confidence=0.9) is None
