"""Reading the identity step's answers: typed and spoken dates, postcodes, names, digits."""

from __future__ import annotations

from datetime import date

import pytest

from ivr.identity import parse
from ivr.identity.config import load_identity_config

TODAY = date(2026, 3, 2)


@pytest.mark.parametrize("text", ["01/02/1990", "1-2-1990", "01021990", "1st of February 1990",
                                  "the 1st of february 1990", "February 1st, 1990", "1 feb 1990",
                                  "01 02 1990"])
def test_dates_of_birth_as_customers_give_them(text):
    assert parse.date_of_birth(text, TODAY, min_age=13, max_age=120) == date(1990, 2, 1)


@pytest.mark.parametrize("text", ["31/02/1990", "yesterday", "1990", "01/02/2020", "01/02/1880",
                                  "01/02/2030", "", "13/13/1990"])
def test_impossible_or_unreadable_dates_are_none(text):
    assert parse.date_of_birth(text, TODAY, min_age=13, max_age=120) is None


@pytest.mark.parametrize(("text", "postcode"), [("LS1 4AP", "LS1 4AP"), ("ls14ap", "LS1 4AP"),
                                               ("L S one 4 A P", "LS1 4AP"),
                                               ("m1 1ae.", "M1 1AE")])
def test_postcodes_typed_or_spoken(text, postcode):
    assert parse.postcode(text) == postcode


@pytest.mark.parametrize("text", ["ZZ9 9ZZ", "M1", "Manchester", "", "12345"])
def test_postcodes_that_are_not_full_and_known_are_none(text):
    assert parse.postcode(text) is None


def test_names_keep_hyphens_and_apostrophes_but_not_digits():
    assert parse.name("  O'Neill-Smith. ") == "O'Neill-Smith"
    assert parse.name("Zoë") == "Zoë"
    for bad in ("", "12", "x" * 101, "Smith 2"):
        assert parse.name(bad) is None


def test_digits_keyed_or_said():
    assert parse.digits("4821#", "") == "4821"
    assert parse.digits("", "four eight two one") == "4821"


def test_the_configuration_asks_exactly_the_four_details_of_000_L61():
    config = load_identity_config()
    assert sorted(config.questions) == ["date_of_birth", "first_name", "postcode", "surname"]
    assert "safeguarding" not in config.destinations
    assert "adult_information" not in config.destinations
