"""Refusing to answer, one pattern for the assistant, the identity step and the screen (000:L68)."""

from __future__ import annotations

import pytest

from triage.refusals import is_refusal, only_declines
from triage.safeguarding import screen


@pytest.mark.parametrize("text", [
    "I'd rather not say", "no, I'd rather not say thanks", "prefer not to give my postcode",
    "none of your business", "I don't want to give my name", "I'm not telling you that",
    "I'd rather stay anonymous",
])
def test_000_L68_a_refusal_however_it_is_put(text):
    assert is_refusal(text)


@pytest.mark.parametrize("text", [
    "I'd rather not go to university", "I would prefer not to work nights", "I don't know",
    "I don't want to give up on my career",
])
def test_a_preference_is_no_refusal(text):
    assert not is_refusal(text)


@pytest.mark.parametrize("text", [
    "I'd rather not say my name", "I don't want to give my name", "I don't know, I'm 16",
    "i dont know im sixteen", "would rather not tell you my name to be honest",
])
def test_a_turn_that_only_declines_is_no_safeguarding_concern(text):
    assert only_declines(text)
    assert screen(text) is None


@pytest.mark.parametrize("text", [
    "I'd rather not say, I don't see the point in anything anymore",
    "I don't know, I'm 16 and my dad hits me", "I don't know if I want to be here anymore",
    "rather not say, he might find out",
])
def test_003_L211_a_concern_said_with_a_refusal_is_still_heard(text):
    assert not only_declines(text)
    assert screen(text) is not None


@pytest.mark.parametrize("text", [
    "i don't give out personal information over the phone", "no i'll leave that thanks",
    "not saying", "no not telling you", "pass", "Can I ask something anonymously?",
    "can i get advice without telling you where i live",
])
def test_refusals_said_another_way(text):
    assert is_refusal(text)


@pytest.mark.parametrize("text", [
    "I passed my exams", "not saying its easy but i want to be a nurse", "i'll leave it to you",
    "i dont want to leave school", "i'd like to pass my driving test",
])
def test_ordinary_words_that_share_them_are_not_refusals(text):
    assert not is_refusal(text)
