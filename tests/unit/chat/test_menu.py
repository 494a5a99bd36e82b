"""The button menu that triages when the assistant is off or down."""

from __future__ import annotations

import pytest

from ivr.chat.config import load_chat_config
from ivr.chat.menu import menu_turn

CONFIG = load_chat_config()


def run(*answers: str) -> tuple[dict, object]:
    facts: dict = {}
    turn = None
    for answer in answers:
        turn = menu_turn(facts, answer, CONFIG)
    return facts, turn


@pytest.mark.parametrize(("answers", "destination"), [
    (("/chat_need advice", "/chat_age 30", "M1 1AA"), "adult_digital_advice"),  # 001:5.3
    (("/chat_need advice", "/chat_age 30", "I live in Cardiff"), "outside_england"),  # 000:L68
    (("/chat_need advice", "/chat_age 16"), "young_people_service"),        # 001:5.2, 5.4
    (("/chat_need information", "45"), "adult_information"),                # 001:5.5
    (("/chat_need face_to_face", "30", "M1 1AA"), "prime_contractor_face_to_face"),  # 001:5.6
    (("/chat_need complaint",), "complaints_and_feedback"),                 # 001:32.2
    (("I want some careers advice", "I am 52", "ls1 4ap"), "adult_digital_advice"),
    (("/chat_need advice", "12"), "not_eligible"),
])
def test_the_menu_asks_only_what_triage_needs_then_decides(answers, destination):
    _, turn = run(*answers)
    assert turn.decision is not None and turn.decision.destination == destination


def test_an_eighteen_year_old_is_asked_about_jobcentre_plus():
    facts, turn = run("/chat_need advice", "18")
    assert turn.decision is None and [b["title"] for b in turn.buttons] == ["Yes", "No"]
    _, turn = run("/chat_need advice", "18", "/chat_yes", "SW1A 1AA")
    assert turn.decision.destination == "adult_digital_advice"  # 001:5.3, 000:L104


def test_unclear_answers_are_asked_again_with_a_reason():
    facts, turn = run("/chat_need face_to_face", "30", "not a postcode")
    assert turn.decision is None and "postcode" not in facts
    assert turn.texts[0] == CONFIG.text("bad_postcode")
    _, turn = run("banana")
    assert turn.texts[0] == CONFIG.text("not_understood")
    assert len(turn.buttons) == len(CONFIG.texts["needs"])


def test_an_impossible_age_is_not_accepted():
    facts, turn = run("/chat_need advice", "999")
    assert "age" not in facts and turn.texts[-1] == CONFIG.text("ask_age")
