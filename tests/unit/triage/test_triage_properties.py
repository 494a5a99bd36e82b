"""Properties of decide() over generated facts: one destination, deterministic, short questions."""

from __future__ import annotations

import json
import re

from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from triage import FACT_FIELDS, Facts, decide
from triage.facts import CHANNELS, NATIONS, NEEDS
from triage.tables import DESTINATIONS, PRIORITY_GROUPS, SIGNPOSTS

POSTCODES_BY_NATION = {
    "england": ["M1 1AE", "SW1A 1AA", "CH1 2HS", "TD15 1AA", "KT10", "B1", "LS1 4AP", "PE9 1AA"],
    "wales": ["CF10 1AA", "CH5 1AB", "SY23 1AB", "LD1", "NP20 1AA"],
    "scotland": ["EH1 1YZ", "TD9 7AA", "DG16 5AA", "G1"],
    "northern_ireland": ["BT7 1NN", "BT1"],
}
VALID_POSTCODES = [code for codes in POSTCODES_BY_NATION.values() for code in codes]
CITATION = re.compile(r"\d{3}:(L\d+|\d+(\.\d+)?|glossary)")
ROUTE_NEEDS = ("information", "advice", "face_to_face")


def maybe(values: st.SearchStrategy) -> st.SearchStrategy:
    """A fact that may also be sent as JSON null (unknown)."""
    return st.none() | values


FACT_VALUES = {
    "age": st.integers(0, 120),
    "jobcentre_plus_claimant": st.booleans(),
    "in_custody": st.booleans(),
    "need": st.sampled_from(NEEDS),
    "channel": st.sampled_from(CHANNELS),
    "postcode": st.sampled_from(VALID_POSTCODES) | st.text(max_size=9),
    "nation": st.sampled_from(NATIONS),
    "language": st.sampled_from(["Polish", " punjabi", "English", "Spanish"]) | st.text(max_size=8),
    "qualification_level": st.integers(0, 8),
    "in_work": st.booleans(),
    "months_out_of_work": st.integers(0, 600),
    "facing_redundancy": st.booleans(),
    "learning_difficulty_or_disability": st.booleans(),
    "ex_offender": st.booleans(),
    "in_education_or_training": st.booleans(),
    "safeguarding_concern": st.booleans(),
    "anonymous": st.booleans(),
}
assert set(FACT_VALUES) == set(FACT_FIELDS)
any_facts = st.fixed_dictionaries({}, optional={k: maybe(v) for k, v in FACT_VALUES.items()})

# Facts in which nothing overrides the age rules: no concern, in England, English spoken.
routable_facts = st.fixed_dictionaries(
    {
        "need": st.sampled_from(ROUTE_NEEDS),
        "postcode": st.sampled_from(POSTCODES_BY_NATION["england"]),
    },
    optional={
        "channel": st.sampled_from(CHANNELS),
        "anonymous": st.booleans(),
        "qualification_level": st.integers(0, 8),
        "in_work": st.booleans(),
        "learning_difficulty_or_disability": st.booleans(),
    },
)


@given(any_facts)
def test_every_valid_input_gives_exactly_one_well_formed_decision(facts):
    decision = decide(facts)
    assert decision.destination in DESTINATIONS
    assert bool(decision.missing) == (decision.destination == "incomplete")
    assert set(decision.missing) <= set(FACT_FIELDS)
    assert len(set(decision.missing)) == len(decision.missing)
    assert decision.reasons and all(CITATION.fullmatch(cite) for cite in decision.reasons)
    assert set(decision.signposts) <= set(SIGNPOSTS)
    order = list(PRIORITY_GROUPS)
    assert [order.index(group) for group in decision.priority_groups] == sorted(
        order.index(group) for group in decision.priority_groups
    )
    json.dumps(decision.to_dict())


@given(any_facts)
def test_decide_is_deterministic_and_the_same_for_a_mapping_or_facts(facts):
    parsed = Facts.from_dict(facts)
    assert decide(facts) == decide(facts) == decide(parsed) == decide(parsed.to_dict())


@given(any_facts, st.data())
def test_supplying_the_missing_facts_never_leaves_the_same_fact_missing(facts, data):
    before = decide(facts)
    assume(before.destination == "incomplete")
    supplied = dict(facts)
    for name in before.missing:
        supplied[name] = data.draw(_answer(name, facts), label=name)
    after = decide(supplied)
    assert not set(before.missing) & set(after.missing)


def _answer(name: str, facts: dict) -> st.SearchStrategy:
    """A valid answer to a question; a postcode in the nation the customer has already stated."""
    if name == "postcode":
        return st.sampled_from(POSTCODES_BY_NATION.get(facts.get("nation"), VALID_POSTCODES))
    return FACT_VALUES[name]


@given(any_facts)
def test_safeguarding_comes_before_every_other_rule(facts):
    assert decide({**facts, "safeguarding_concern": True}).destination == "safeguarding"


@given(any_facts, st.sampled_from(["complaint", "feedback"]))
def test_a_complaint_or_feedback_never_asks_anything(facts, need):
    facts = {**facts, "need": need, "safeguarding_concern": False}
    decision = decide(facts)
    assert decision.destination == "complaints_and_feedback"


@given(any_facts)
@example(facts={"age": 19, "channel": "webchat", "need": "advice"})  # once found by chance
def test_only_routes_that_depend_on_where_the_customer_lives_ask_for_the_postcode(facts):
    # A prime contractor's area (advice by phone, face to face), or, for adult advice online,
    # whether the customer lives in England at all (the adult contact centre advises England
    # only: 001:5.3, rules.py) -- and then only while no nation is known.
    decision = decide(facts)
    if "postcode" in decision.missing:
        assert facts.get("need") in ("advice", "face_to_face")
        assert facts.get("age") is not None and facts["age"] >= 18
        if facts.get("need") == "advice" and facts.get("channel") not in (None, "phone"):
            assert facts.get("nation") is None
        assert not facts.get("anonymous")


@given(routable_facts)
def test_age_boundary_12_13(facts):
    assert decide({**facts, "age": 12}).destination == "not_eligible"
    assert decide({**facts, "age": 13}).destination == "young_people_service"


@given(routable_facts, st.booleans())
def test_age_boundary_18_19(facts, custody):
    young = {**facts, "jobcentre_plus_claimant": False, "in_custody": False}
    assert decide({**young, "age": 18}).destination == "young_people_service"
    adult = decide({**young, "age": 19})
    assert adult.destination not in ("young_people_service", "incomplete")
    claimant = {**facts, "jobcentre_plus_claimant": True, "in_custody": custody}
    assert decide({**claimant, "age": 18}).destination == adult.destination
    in_custody = {**facts, "jobcentre_plus_claimant": False, "in_custody": True}
    assert decide({**in_custody, "age": 18}).destination == adult.destination


@given(routable_facts, st.integers(19, 120))
def test_every_adult_in_a_priority_group_is_offered_face_to_face(facts, age):
    decision = decide({**facts, "age": age, "learning_difficulty_or_disability": True})
    assert "learning_difficulty_or_disability" in decision.priority_groups
    assert decision.offer_face_to_face


@settings(max_examples=50)
@given(routable_facts, st.integers(13, 18))
def test_young_people_are_never_in_a_priority_group(facts, age):
    facts = {**facts, "age": age, "jobcentre_plus_claimant": False, "in_custody": False}
    decision = decide(facts)
    assert decision.priority_groups == ()
    assert not decision.offer_face_to_face


@given(
    st.sampled_from(ROUTE_NEEDS),
    st.sampled_from(CHANNELS),
    st.integers(0, 120),
    st.booleans(),
    st.booleans(),
    st.sampled_from(POSTCODES_BY_NATION["england"]),
)
def test_all_route_facts_known_means_never_incomplete(need, channel, age, claimant, custody, code):
    facts = {
        "need": need,
        "channel": channel,
        "age": age,
        "postcode": code,
        "jobcentre_plus_claimant": claimant,
        "in_custody": custody,
    }
    assert decide(facts).destination != "incomplete"
