"""Where a customer lives, not where they are from, decides the nation (000:L68, 001:1.1)."""

from __future__ import annotations

import pytest

from triage import decide
from triage.places import find_nation


@pytest.mark.parametrize(("text", "nation"), [
    ("I grew up in Cardiff but live in Leeds now", "england"),
    ("born in Glasgow, living in London", "england"),
    ("originally from Belfast, now in Manchester", "england"),
    ("I used to live in Wales but now I'm in York", "england"),
    ("I'm from Cardiff but I live in Bristol", "england"),
    ("moved to Swansea from Leeds", "wales"),
    ("I work in London but live in Cardiff", "wales"),
    ("I live in Cardiff", "wales"),
    ("I'm from Cardiff", "wales"),  # "from" alone is usually home
])
def test_the_place_they_live_now_is_their_nation(text, nation):
    found = find_nation(text)
    assert found is not None and found[0] == nation


def test_a_place_only_grown_up_in_says_nothing_of_where_they_live():
    assert find_nation("I grew up in Cardiff") is None


def test_000_L68_a_customer_who_grew_up_in_wales_and_lives_in_england_is_served():
    nation = find_nation("I grew up in Cardiff but live in Leeds now")[0]
    decision = decide({"age": 40, "need": "advice", "channel": "webchat", "nation": nation})
    assert decision.destination == "adult_digital_advice"  # not Careers Wales
