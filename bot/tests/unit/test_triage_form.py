"""The triage form asks for the first fact triage misses, and cleans facts given out of order."""

from __future__ import annotations

import asyncio

import pytest
from rasa_sdk.events import SlotSet

from bot.actions.triage_form import (
    ValidateTriageForm,
    claimant_answer,
    next_question,
    validated,
)
from bot.tests.unit.conftest import make_tracker

ASKABLE = ["need", "age", "postcode", "jobcentre_plus_claimant", "in_custody", "language"]


def test_a_complaint_is_never_asked_an_age():
    assert next_question(make_tracker({"need": "complaint"}), ASKABLE) == []  # 001:32.2


def test_redundancy_advice_on_the_phone_asks_age_then_postcode():
    facts = {"need": "advice", "facing_redundancy": True, "channel": "phone"}
    assert next_question(make_tracker(facts), ASKABLE) == ["age"]
    assert next_question(make_tracker({**facts, "age": 45}), ASKABLE) == ["postcode"]  # 001:5.1
    assert next_question(make_tracker({**facts, "age": 45, "postcode": "M1 1AE"}), ASKABLE) == []


def test_an_adult_wanting_information_is_never_asked_a_postcode():
    assert next_question(make_tracker({"need": "information", "age": 30}), ASKABLE) == []  # 5.5


def test_a_declined_fact_is_not_asked_again():
    tracker = make_tracker({"need": "advice", "age": 30, "declined": ["postcode"]})

    assert next_question(tracker, ASKABLE) == []


def test_a_fact_the_form_cannot_ask_is_skipped():
    assert next_question(make_tracker({"need": "advice"}), ["postcode"]) == []


def test_postcodes_are_normalised_and_give_the_nation():
    assert validated("postcode", "m11ae", make_tracker({})) == {"postcode": "M1 1AE",
                                                                "nation": "england"}
    assert validated("postcode", "CF10 1AA", make_tracker({}))["nation"] == "wales"
    assert validated("postcode", "not a postcode", make_tracker({})) == {"postcode": None}


def test_time_out_of_work_means_not_in_work():
    assert validated("months_out_of_work", 24, make_tracker({})) == {
        "months_out_of_work": 24, "in_work": False}
    assert validated("months_out_of_work", 24, make_tracker({"in_work": True})) == {
        "months_out_of_work": 24}


def test_validation_returns_only_the_facts_given_this_turn(dispatcher, domain):
    events = [{"event": "user", "text": "I'm 19", "parse_data": {}},
              {"event": "slot", "name": "age", "value": "19"}]
    tracker = make_tracker({"need": "advice", "age": "19", "channel": "phone"}, events=events)

    result = asyncio.run(ValidateTriageForm().run(dispatcher, tracker, domain))

    assert SlotSet("age", 19) in result
    assert SlotSet("requested_slot", "postcode") in result
    assert all(e["name"] in ("age", "requested_slot") for e in result)


def test_a_turn_without_facts_validates_nothing_so_a_digression_can_take_over(dispatcher, domain):
    events = [{"event": "user", "text": "why?", "parse_data": {}}]
    tracker = make_tracker({"need": "advice", "channel": "phone"}, events=events)

    result = asyncio.run(ValidateTriageForm().run(dispatcher, tracker, domain))

    assert result == [SlotSet("requested_slot", "age")]


def test_the_answer_to_how_old_are_you_is_the_age_however_it_is_said(domain, dispatcher):
    for text, age in (("fifty nine mate", 59), ("36 thx", 36), ("42yo", 42)):
        tracker = make_tracker({"need": "advice", "requested_slot": "age"}, text=text)
        events = asyncio.run(ValidateTriageForm().get_validation_events(
            dispatcher, tracker, domain))
        assert SlotSet("age", age) in events


def test_a_young_person_is_never_asked_what_they_need():
    assert next_question(make_tracker({"age": 16}), ASKABLE) == []  # 001:5.2: one service


@pytest.mark.parametrize(("text", "claimant"), [
    ("no i work at costa", False), ("nah", False), ("yes universal credit", True),
    ("yes well no i used to be but i stopped claiming in march", False),
    ("not any more", False), ("my mum sorts that", None),
])
def test_the_benefits_answer_is_read_from_its_own_yes_or_no(text, claimant):
    assert claimant_answer(text) is claimant


def _asked(fact: str, times: int) -> list[dict]:
    return [{"event": "bot", "text": "?", "metadata": {"utter_action": f"utter_ask_{fact}"}}
            for _ in range(times)]


def test_a_fact_asked_three_times_is_asked_no_more(domain):
    slots = {"need": "advice", "age": 30, "channel": "phone"}
    assert next_question(make_tracker(slots, events=_asked("postcode", 2)),
                         ["age", "postcode"]) == ["postcode"]
    tired = make_tracker(slots, events=_asked("postcode", 2) + _asked("postcode_again", 1))
    assert next_question(tired, ["age", "postcode"]) == []  # on without it: a person
