"""Inflections of the restricted words: English spelling rules checked against spaCy's lemmas."""

from models.restricted_words import inflections, restricted_forms


def test_regular_inflections_follow_english_spelling():
    assert inflections("abet") >= {"abets", "abetted", "abetting"}
    assert inflections("harass") >= {"harasses", "harassed", "harassing"}
    assert inflections("burgle") >= {"burgles", "burgled", "burgling"}
    assert inflections("falsify") >= {"falsifies", "falsified", "falsifying"}
    assert inflections("trial") >= {"trials", "trialled", "trialling"}


def test_irregular_forms_come_from_the_lemma_table():
    assert {"stolen", "fought", "shot", "slain", "thieves"} <= restricted_forms()


def test_generated_forms_that_are_other_words_are_dropped():
    forms = restricted_forms()
    assert "coned" not in forms and "coning" not in forms  # forms of "cone", not "con"
    assert {"conned", "cons"} <= forms


def test_phrases_come_spaced_hyphenated_joined_and_plural():
    forms = restricted_forms()
    assert {
        "anti social behaviour",
        "anti-social behaviour",
        "antisocial behaviour",
        "home detention curfews",
        "her majesty\u2019s prison",
    } <= forms
