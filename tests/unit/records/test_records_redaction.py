"""Redaction: every restricted word of 001 Appendix A goes (001:20.2-20.4), personal data goes,
innocent words that merely contain a restricted one stay."""

from __future__ import annotations

import re

import pytest

from models.redaction import (
    DATE,
    EMAIL,
    NAME,
    NATIONAL_INSURANCE,
    NUMBER,
    PHONE,
    POSTCODE,
    RESTRICTED,
    is_restricted_identifier,
    redact,
    redact_value,
)
from models.restricted_words import appendix_rows, listed_forms, restricted_forms

EVERY_LISTED_FORM = sorted({cell for row in appendix_rows() for cell in row})


def test_the_data_file_holds_every_row_of_appendix_a():
    rows = appendix_rows()
    assert len(rows) == 126  # 001 Appendix A has 126 base words, abet to YOT
    assert rows[0][0] == "abet" and rows[-1][0] == "YOT"
    assert ("theft", "thefts", "thief", "thieve", "thieves", "thievery") in rows


@pytest.mark.parametrize("form", EVERY_LISTED_FORM)
def test_every_listed_word_and_variant_is_removed(form):
    sentence = f"The adviser wrote {form} in the notes."
    result = redact(sentence)
    assert result == f"The adviser wrote {RESTRICTED} in the notes."


@pytest.mark.parametrize("form", EVERY_LISTED_FORM)
def test_listed_words_go_whatever_their_case(form):
    assert redact(form.upper()) == RESTRICTED
    assert redact(form.title() + ".") == RESTRICTED + "."


@pytest.mark.parametrize(
    "word",
    [
        "stolen",
        "fought",
        "abuses",
        "bombing",
        "kills",
        "murdering",
        "slain",
        "jailed",
        "shoplifting",
        "trespassers",
        "convictions",
        "robberies",
        "imprisoned",
        "witnesses",
        "absconders"[:-3] + "ed",
    ],
)
def test_inflections_the_list_does_not_spell_out_are_removed(word):
    assert redact(f"he was {word} yesterday") == f"he was {RESTRICTED} yesterday"


@pytest.mark.parametrize(
    "phrase",
    [
        "anti social behaviour order",
        "anti-social behaviour orders",
        "antisocial behaviour",
        "Young Offender Institution",
        "youth offending teams",
        "Her Majesty's Prison Service",
        "Her Majesty\u2019s Prison",
        "grievous bodily harm",
        "home detention curfew",
        "H M",
        "V P",
    ],
)
def test_listed_phrases_become_one_placeholder(phrase):
    assert redact(f"I got an {phrase} once") == f"I got an {RESTRICTED} once"


@pytest.mark.parametrize(
    "sentence",
    [
        "I had a scone with a cellist in Hampshire before the bailiff came.",
        "My therapist suggested a concert; grapes and drapes; a skilled trainee.",
        "She is a constable in Essex and works in cellular networks.",
        "I want to become a confectioner or a barista in Middlesex.",
        "I'm 19, I live in Leeds and want an apprenticeship at level 3.",
        "I left school 2 years ago and work 16 hours a week from 9 to 5.",
    ],
)
def test_innocent_words_containing_restricted_ones_survive(sentence):
    assert redact(sentence) == sentence


def test_restricted_words_inside_longer_tokens_survive_but_hyphenated_words_go_whole():
    assert redact("drugstore") == "drugstore"
    assert redact("an ex-offender") == f"an {RESTRICTED}"  # the prefix is part of the family
    assert redact("prisoner's rights") == f"{RESTRICTED} rights"


@pytest.mark.parametrize(
    "text,placeholder",
    [
        ("07700 900123", PHONE),
        ("07700900123", PHONE),
        ("+44 7700 900123", PHONE),
        ("+44 (0)20 7946 0958", PHONE),
        ("020-7946-0958", PHONE),
        ("0113 496 0000", PHONE),
        ("0800 100 900", PHONE),
        ("jane.smith+work@example.co.uk", EMAIL),
        ("SW1A 1AA", POSTCODE),
        ("sw1a1aa", POSTCODE),
        ("M1 1AE", POSTCODE),
        ("B33 8TH", POSTCODE),
        ("12/03/1985", DATE),
        ("12-3-85", DATE),
        ("1985-03-12", DATE),
        ("12 March 1985", DATE),
        ("3rd of March 1990", DATE),
        ("March 12th, 1985", DATE),
        ("12345678", NUMBER),
        ("AB 12 34 56 C", NATIONAL_INSURANCE),
        ("ab123456c", NATIONAL_INSURANCE),
    ],
)
def test_personal_data_becomes_a_typed_placeholder(text, placeholder):
    assert redact(f"it is {text} thanks") == f"it is {placeholder} thanks"


@pytest.mark.parametrize(
    "sentence,expected",
    [
        ("My name is Jane Smith and I need help", f"My name is {NAME} and I need help"),
        ("hello, my name's Priya", f"hello, my name's {NAME}"),
        ("This is Tom Jones speaking.", f"This is {NAME} speaking."),
        ("This is Leeds calling.", "This is Leeds calling."),
    ],
)
def test_a_name_given_after_a_cue_is_removed(sentence, expected):
    assert redact(sentence) == expected


def test_known_names_of_the_customer_are_removed_anywhere():
    text = "Thanks Ngozi, we will write to Ngozi Okafor."
    assert (
        redact(text, known_names=("Ngozi", "Okafor"))
        == f"Thanks {NAME}, we will write to {NAME} {NAME}."
    )


def test_a_typical_turn_keeps_its_meaning_and_loses_only_what_it_must():
    turn = (
        "Hi my name is Sam Patel, I came out of prison last month, "
        "my number is 07700 900 123 and I live at LS1 4AP, born 01/02/1990"
    )
    assert redact(turn) == (
        f"Hi my name is {NAME}, I came out of {RESTRICTED} last month, "
        f"my number is {PHONE} and I live at {POSTCODE}, born {DATE}"
    )


def test_nothing_restricted_survives_a_paragraph_of_every_form():
    paragraph = " and ".join(sorted(restricted_forms())) + "."
    result = redact(paragraph)
    words = set(re.findall(r"[a-z']+", result.lower()))
    assert not {w for w in words if w in listed_forms()} - {"and"}


def test_structured_detail_loses_restricted_codes_but_keeps_times_and_ids():
    detail = {
        "priority_groups": ["custody_or_ex_offender", "low_skilled"],
        "in_custody": True,
        "contractor": "north-west",
        "reasons": ["001:5.3"],
        "due": "2026-12-24T18:30:00+00:00",
        "note": "ring 07700 900123",
    }
    assert redact_value(detail) == {
        "priority_groups": ["low_skilled"],
        "contractor": "north-west",
        "reasons": ["001:5.3"],
        "due": "2026-12-24T18:30:00+00:00",
        "note": f"ring {PHONE}",
    }


def test_identifiers_are_restricted_only_when_a_part_is_a_restricted_word():
    assert is_restricted_identifier("custody_or_ex_offender")
    assert is_restricted_identifier("prison-leaver")
    assert not is_restricted_identifier("north-west")
    assert not is_restricted_identifier("scone_shop")
    assert not is_restricted_identifier("prison")  # a plain word: redact() handles it


def test_empty_text_is_left_alone():
    assert redact("") == ""
