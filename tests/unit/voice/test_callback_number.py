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
