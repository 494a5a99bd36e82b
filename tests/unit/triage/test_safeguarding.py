"""The safeguarding screen (003:L211, 000:L127) on several hundred phrasings and look-alikes."""

from __future__ import annotations

import re

import pytest

from tests.unit.triage.safeguarding_phrasings import (
    ABUSE_OR_DANGER,
    EXPLICIT,
    INDIRECT,
    NOT_SAFEGUARDING,
)
from triage.safeguarding import ABUSE, DANGER, SELF_HARM, is_concern, normalise, screen

FILLERS = ("erm ", "so yeah ", "um well ")


def _variants(phrases: list[str]) -> list[str]:
    """Each phrase as typed, as a speech recogniser hears it, and after a filler."""
    out = []
    for index, phrase in enumerate(phrases):
        spoken = re.sub(r"[^\w\s]", "", phrase.lower())
        out += [phrase, spoken, FILLERS[index % len(FILLERS)] + spoken]
    return list(dict.fromkeys(out))


@pytest.mark.parametrize("text", _variants(EXPLICIT))
def test_explicit_mentions_are_caught(text):
    concern = screen(text)
    assert concern is not None and concern.kind == SELF_HARM


@pytest.mark.parametrize("text", _variants(INDIRECT))
def test_indirect_mentions_are_caught(text):
    concern = screen(text)
    assert concern is not None and concern.kind == SELF_HARM


@pytest.mark.parametrize("text", _variants(ABUSE_OR_DANGER))
def test_abuse_and_danger_are_caught(text):
    concern = screen(text)
    assert concern is not None and concern.kind in (ABUSE, DANGER)


@pytest.mark.parametrize("text", _variants(NOT_SAFEGUARDING))
def test_look_alikes_are_not_safeguarding(text):
    assert screen(text) is None


def test_explicit_is_told_apart_from_indirect():
    assert screen("I want to kill myself").explicit
    assert not screen("I don't see the point in going on").explicit


def test_idiom_next_to_a_real_mention_still_alerts():
    assert is_concern("this job is killing me and honestly i want to kill myself")


@pytest.mark.parametrize("text", [None, "", "   ", 42, "?!", "a" * 5000])
def test_odd_input_is_no_concern_and_no_error(text):
    assert screen(text) is None


def test_normalise_folds_typos_and_speech():
    assert normalise("Im gonna kil MYSLEF!!") == "i am going to kill myself"
    assert normalise("erm i dont wanna") == "i dont want to"


def test_several_hundred_phrasings_are_tested():
    total = sum(len(_variants(p)) for p in (EXPLICIT, INDIRECT, ABUSE_OR_DANGER, NOT_SAFEGUARDING))
    assert total >= 400


def test_questions_that_cannot_change_the_route_are_not_worth_asking():
    from triage.questions import matters, worth_asking

    assert worth_asking({"age": 16}) == ()  # a young person: every need goes to one service
    assert worth_asking({}) == ("need", "age")
    assert worth_asking({"age": 30, "need": "advice", "channel": "webchat"}) == ("postcode",)
    assert not matters({"age": 30, "need": "information", "postcode": "M1 1AE"},
                       "in_education_or_training")  # the NEET group ends at 24
    assert matters({"age": 18, "need": "advice"}, "jobcentre_plus_claimant")


def test_language_names_and_places_in_words():
    from triage.languages import canonical, find
    from triage.places import find_nation, nation_of

    assert [canonical(n) for n in ("Panjabi", "Persian", "Polski", "Français", "Gujerati")] == [
        "Punjabi", "Farsi", "Polish", "French", "Gujarati"]
    assert canonical("Spanish") is None and find("i need to polish up my cv") is None
    assert find("can i talk to someone in persian")[0] == "Farsi"
    assert nation_of("Cardiff") == "wales" and nation_of("St Helier") == "jersey"
    assert find_nation("i live in glasgow")[0] == "scotland"
    assert find_nation("i work in london but live in swansea")[0] == "wales"
    assert find_nation("i live on jersey road in leeds")[0] == "england"
