"""Whether an uncertain fact is worth one short check: only when its readings route differently."""

from __future__ import annotations

import pytest

from triage.confirm import route, worth_confirming
from triage.places import ambiguous_place, find_nation

PHONE_ADVICE = {"channel": "phone", "need": "advice"}


@pytest.mark.parametrize(("facts", "name", "readings", "worth"), [
    (PHONE_ADVICE, "age", [15, 50], True),          # young people's service or a contractor
    ({"channel": "phone"}, "age", [15, 50], True),  # whatever the need turns out to be
    ({"channel": "phone"}, "age", [16, 17], False),  # the young people's service either way
    ({"channel": "webchat", "need": "information"}, "age", [19, 90], False),
    ({"channel": "phone", "need": "advice"}, "age", [18, 19], True),  # 18 may be young
    ({"channel": "phone", "need": "complaint"}, "age", [15, 50], False),  # no age needed
    ({**PHONE_ADVICE, "age": 40}, "postcode", ["M20 2RN", "N20 2RN"], True),  # two contractors
    ({**PHONE_ADVICE, "age": 40}, "postcode", ["M20 2RN", "M2 2RN"], False),  # one area
    ({"channel": "webchat", "need": "advice", "age": 40}, "postcode",
     ["M20 2RN", "N20 2RN"], False),  # the adult contact centre either way
    ({"channel": "webchat", "need": "advice", "age": 40}, "nation", ["wales", "england"], True),
    ({"channel": "phone", "need": "information", "age": 40}, "nation", ["wales", "england"],
     True),  # outside England is told so, even for information
    ({"channel": "phone", "age": 40, "need": "advice"}, "nation",
     ["wales", "northern_ireland"], True),  # two different services to point to
    (PHONE_ADVICE, "age", [50], False),
    (PHONE_ADVICE, "age", [50, 50, None], False),
])
def test_worth_confirming(facts, name, readings, worth):
    assert worth_confirming(facts, name, readings) is worth


def test_the_route_holds_the_area_only_where_it_decides():
    advice = route({**PHONE_ADVICE, "age": 40, "postcode": "M1 1AE"})
    information = route({"channel": "phone", "need": "information", "age": 40,
                         "postcode": "M1 1AE"})
    assert advice[2] == "north-west" and information[2] is None


@pytest.mark.parametrize(("text", "found"), [
    ("newport", ("newport", ("wales", "england"))),
    ("i live in newport", ("newport", ("wales", "england"))),
    ("bangor", ("bangor", ("wales", "northern_ireland"))),
    ("newport in wales", None), ("newport shropshire", None), ("bangor county down", None),
    ("cardiff", None), ("", None), (None, None),
])
def test_places_in_two_nations(text, found):
    assert ambiguous_place(text) == found


def test_the_longer_place_name_wins_at_one_spot():
    assert find_nation("bangor county down")[0] == "northern_ireland"
    assert find_nation("newport isle of wight")[0] == "england"
