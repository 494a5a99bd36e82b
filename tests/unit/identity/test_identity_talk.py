"""Words at an identity question that are not its answer: talk to re-read, or a goodbye."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from ivr.identity import parse
from ivr.identity.config import load_identity_config
from ivr.identity.step import IdentityStep

AT = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


@pytest.fixture
def step():
    return IdentityStep(load_identity_config(), engine=None, sealer=None)


@pytest.mark.parametrize("said", [
    "sorry im actually 17 i lied bc i thought u only helped adults",
    "oh wait i do get universal credit, i signed up at the jobcentre last week",
    "Actually I just need the link to the teacher training page I can read it myself",
])
def test_a_sentence_at_the_surname_question_is_talk(step, said):
    assert step.is_talk({"ask": "surname"}, said, AT)


@pytest.mark.parametrize(("ask", "said"), [
    ("surname", "Smith"), ("surname", "Anne de la Mare"), ("surname", "my name is john smith"),
    ("surname", "I'd rather not say"), ("date_of_birth", "1st of March 1985"),
    ("postcode", "M1 1AE"), ("secret", "1 2 3 4 5 6"),
])
def test_an_answer_or_a_refusal_is_not_talk(step, ask, said):
    assert not step.is_talk({"ask": ask}, said, AT)


@pytest.mark.parametrize("said", ["lovely thank you bye now", "ok thanks bye",
                                  "no that's all thank u", "Perfect, thank you, bye!"])
def test_a_goodbye_and_nothing_else_is_a_closing(said):
    assert parse.only_closing(said)


@pytest.mark.parametrize("said", ["Smith", "thanks", "bye smith", "Ty", "O'Brien"])
def test_a_name_is_never_a_closing(said):
    assert not parse.only_closing(said)


def test_a_goodbye_at_a_question_ends_the_step_with_the_customer_gone(step):
    state = {"ask": "surname", "tries": 0, "sealed": None}
    prompt = step.answer(state, "chat", said="thanks bye", contact_key="k", at=AT)
    assert prompt.outcome == "customer_left" and prompt.question is None
    assert "Goodbye" in prompt.texts[0] and state["done"] == "customer_left"
