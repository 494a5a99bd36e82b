"""Ages, postcodes and circumstances survive speech recognition (bot/components)."""

from __future__ import annotations

import pytest

from bot.components.circumstances import find_circumstances, self_harm_span
from bot.components.spoken import find_ages, find_postcodes


def values(found, entity):
    """Values of `entity` among `found`."""
    return [f.value for f in found if f.entity == entity]


@pytest.mark.parametrize("text, age", [
    ("i'm 17", 17), ("seventeen", 17), ("I'm nineteen next month", 18), ("i'll be 19 in March", 18),
    ("turning 19 next week", 18), ("i just turned 18", 18), ("twenty five years old", 25),
    ("sorry, I meant 19", 19), ("actually I'm 19 not 17", 19), ("i'm in prison and 18", 18),
])
def test_ages_in_words_and_digits(text, age):
    assert values(find_ages(text), "age") == [age]


@pytest.mark.parametrize("text", [
    "i left school at 16", "I've been out of work for 2 years", "i'm in year 12",
    "my postcode is b twenty one three ay bee", "i have 3 kids", "i'm one of those people",
])
def test_numbers_that_are_not_ages(text):
    assert find_ages(text) == []


@pytest.mark.parametrize("text, postcode", [
    ("em one one ay ee", "M1 1AE"), ("M1 1AE", "M1 1AE"), ("m11ae", "M1 1AE"), ("M1", "M1"),
    ("my postcode is sw one a", "SW1A"), ("its oh el one one ay ay", "OL1 1AA"),
    ("double you one ay one ay ay", "W1A 1AA"), ("b twenty one three ay bee", "B21 3AB"),
    ("i live in m1 1ae please", "M1 1AE"), ("es one one ay ay", "S1 1AA"),
])
def test_postcodes_spoken_or_typed(text, postcode):
    assert values(find_postcodes(text), "postcode") == [postcode]


@pytest.mark.parametrize("text", ["I'll be 19 in March", "um seventeen", "it is what it is", "hi"])
def test_words_that_are_not_postcodes(text):
    assert find_postcodes(text) == []


@pytest.mark.parametrize("text, level", [
    ("I've got GCSEs", 2), ("I have A levels", 3), ("a degree", 6), ("no qualifications", 0),
    ("i left school without any gcses", 0), ("nvq level 3", 3), ("a masters degree", 7),
])
def test_qualifications_map_to_levels(text, level):
    assert values(find_circumstances(text), "qualification_level") == [level]


@pytest.mark.parametrize("language", [
    "Gujarati", "Punjabi", "Sylheti", "Urdu", "Farsi", "Polish", "French", "Somali"])
def test_the_eight_language_line_languages(language):  # 000:L129
    assert values(find_circumstances(f"can I speak {language.lower()}"), "language") == [language]


def test_polishing_a_cv_is_not_a_language():
    assert values(find_circumstances("help me polish my cv"), "language") == []


def test_circumstances_and_their_negation():
    found = find_circumstances("I've been made redundant and I'm not on benefits")
    assert values(found, "facing_redundancy") == [True]
    assert values(found, "jobcentre_plus_claimant") == [False]


def test_time_out_of_work_in_months():
    assert values(find_circumstances("out of work for two years"), "months_out_of_work") == [24]
    assert values(find_circumstances("unemployed for 6 months"), "months_out_of_work") == [6]
    assert values(find_circumstances("i've been working for two years"), "months_out_of_work") == []


@pytest.mark.parametrize("text", [
    "I want to kill myself", "i've been self harming", "i dont want to live anymore",
    "thinking about suicide", "i want to end it all"])
def test_self_harm_is_found_by_pattern(text):  # 003:L211
    assert self_harm_span(text) is not None


def test_ordinary_words_are_not_self_harm():
    assert self_harm_span("i want to end my contract and find a new job") is None
