"""The routing rules as a decision table: one row per rule, each named by its citation."""

from __future__ import annotations

import pytest
from triage_cases import ROWS, check

from triage import Decision, decide
from triage.rules import RULES
from triage.tables import DESTINATIONS, PRIORITY_GROUPS, SIGNPOSTS


@pytest.mark.parametrize("row", ROWS, ids=[f"{row.cite} {row.label}" for row in ROWS])
def test_decision_table_row(row):
    assert check(row) == []


def test_every_destination_of_the_contract_is_reached_by_the_table():
    reached = {decide(row.facts).destination for row in ROWS}
    assert reached == set(DESTINATIONS)


def test_every_rule_row_is_reached_by_the_table():
    def first_rule(facts):
        from triage.case import Case
        from triage.facts import Facts

        case = Case(Facts.from_dict(facts))
        return next(index for index, rule in enumerate(RULES) if rule.when(case))

    assert {first_rule(row.facts) for row in ROWS} == set(range(len(RULES)))


def test_every_signpost_and_priority_group_used_is_in_its_table():
    for row in ROWS:
        decision = decide(row.facts)
        assert set(decision.signposts) <= set(SIGNPOSTS)
        assert set(decision.priority_groups) <= set(PRIORITY_GROUPS)


def test_the_done_example_decision_in_full():
    decision = decide(
        {"age": 18, "jobcentre_plus_claimant": True, "need": "advice", "postcode": "M1 1AE"}
    )
    assert decision == Decision(
        destination="prime_contractor_advice",
        priority_groups=("jobcentre_plus",),
        offer_face_to_face=True,
        reasons=("001:5.2", "001:5.3", "000:L104", "001:5.1", "001:3.4", "001:3.3"),
        region="north-west",
        notes=(
            "adult advice by phone: transfer to the local prime contractor",
            "priority group: offer local face-to-face support",
        ),
    )


def test_anonymous_adult_is_told_advice_needs_their_details():
    decision = decide({"age": 30, "need": "advice", "anonymous": True})
    assert decision.destination == "adult_information"
    assert decision.reasons == ("001:glossary", "000:L68")
    assert "advice needs the customer's details" in decision.notes[0]


def test_outside_england_adult_in_a_priority_group_is_not_offered_face_to_face():
    decision = decide({"age": 30, "jobcentre_plus_claimant": True, "nation": "wales"})
    assert decision.priority_groups == ("jobcentre_plus",)
    assert not decision.offer_face_to_face
    assert "001:3.3" not in decision.reasons


def test_incomplete_for_a_postcode_says_why_it_is_asked_again():
    outside = decide({"age": 30, "need": "advice", "nation": "england", "postcode": "LL11 1AA"})
    unknown = decide({"age": 30, "need": "advice", "postcode": "not one"})
    assert outside.missing == unknown.missing == ("postcode",)
    assert "outside England" in outside.notes[-1]
    assert "not a UK postcode" in unknown.notes[-1]


def test_to_dict_has_missing_only_when_incomplete():
    incomplete = decide({}).to_dict()
    complete = decide({"need": "complaint"}).to_dict()
    assert incomplete["missing"] == ["need", "age"]
    assert "missing" not in complete
    assert list(complete) == [
        "destination",
        "priority_groups",
        "offer_face_to_face",
        "reasons",
        "signposts",
        "region",
        "notes",
    ]


def test_region_is_given_whenever_an_english_postcode_is_known():
    decision = decide({"need": "complaint", "postcode": "NE1 4ST"})
    assert decision.region == "north-east"
