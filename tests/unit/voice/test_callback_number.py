"""The number to call back: a valid UK number, or nothing."""

from __future__ import annotations

import pytest

from ivr.voice.callback import uk_number


@pytest.mark.parametrize(("given", "expected"), [
    ("+441134960123", "+441134960123"),
    ("01134960456", "+441134960456"),
    ("07400123456", "+447400123456"),
])
def test_valid_uk_numbers(given, expected):
    assert uk_number(given) == expected


@pytest.mark.parametrize("given", ["anonymous", "+266696687", "", None, "12345", "+14155550100",
                                   "0113496"])
def test_withheld_foreign_and_short_numbers_are_refused(given):
    assert uk_number(given) is None


@pytest.mark.parametrize(("given", "expected"), [
    ("18001 0161 496 0000", "18001 01614960000"),  # as a textphone user gives it (PLATFORM-NOTES 4)
    ("18001 01134960123", "18001 01134960123"),
    ("18001+441134960123", "18001 01134960123"),
    ("1800107400123456", "18001 07400123456"),  # keyed on a phone, no spaces
])
def test_a_relay_uk_number_is_kept_with_its_prefix(given, expected):
    assert uk_number(given) == expected


@pytest.mark.parametrize("given", ["18001", "18001 12345", "18001 +14155550100", "18002 0161"])
def test_a_relay_prefix_without_a_valid_uk_number_is_refused(given):
    assert uk_number(given) is None


def test_a_relay_uk_number_is_dialled_through_the_relay_prefix():
    from models.relay_uk import dial_string

    assert dial_string("18001 01614960000", "18002") == "1800201614960000"
    assert dial_string("+441614960000", "18002") == "+441614960000"
