"""Facts: the schema of the Triage contract, refused with a one-line reason when broken."""

from __future__ import annotations

import pytest

from triage import FACT_FIELDS, Facts, FactsError, decide

CONTRACT_FIELDS = (
    "age",
    "jobcentre_plus_claimant",
    "in_custody",
    "need",
    "channel",
    "postcode",
    "nation",
    "language",
    "qualification_level",
    "in_work",
    "months_out_of_work",
    "facing_redundancy",
    "learning_difficulty_or_disability",
    "ex_offender",
    "in_education_or_training",
    "safeguarding_concern",
    "anonymous",
)


def test_fact_fields_are_the_contracts():
    assert set(FACT_FIELDS) == set(CONTRACT_FIELDS)
    assert len(FACT_FIELDS) == len(CONTRACT_FIELDS)


def test_everything_is_unknown_by_default_and_the_channel_is_the_phone():
    facts = Facts()
    assert facts.channel == "phone"
    assert facts.to_dict() == {"channel": "phone"}


def test_null_means_unknown():
    assert Facts.from_dict({"age": None, "need": None, "channel": None}) == Facts()


def test_round_trip_keeps_known_facts_only():
    data = {"age": 18, "jobcentre_plus_claimant": True, "postcode": "M1 1AE", "channel": "email"}
    assert Facts.from_dict(data).to_dict() == data


def test_facts_are_frozen():
    with pytest.raises(AttributeError):
        Facts().age = 3  # type: ignore[misc]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"favourite_colour": "blue"}, "unknown fact 'favourite_colour'"),
        ({1: "x"}, "unknown fact 1"),
        ({"age": True}, "age must be a whole number, not a boolean"),
        ({"age": "18"}, "age must be a whole number, not a string"),
        ({"age": 18.0}, "age must be a whole number, not a number"),
        ({"age": -1}, "age must be from 0 to 120"),
        ({"age": 121}, "age must be from 0 to 120"),
        ({"qualification_level": 9}, "qualification_level must be from 0 to 8"),
        ({"months_out_of_work": -2}, "months_out_of_work must be from 0 to 1440"),
        ({"in_custody": 1}, "in_custody must be true or false, not a integer"),
        ({"anonymous": "yes"}, "anonymous must be true or false, not a string"),
        ({"need": "job"}, "need must be one of: information, advice, face_to_face, complaint"),
        ({"channel": "fax"}, "channel must be one of: phone, webchat, webform, email"),
        ({"nation": "England"}, "nation must be one of: england, wales"),
        ({"postcode": 11}, "postcode must be a string, not a integer"),
        ({"language": ["Polish"]}, "language must be a string, not a array"),
    ],
)
def test_broken_schema_is_refused_with_one_line(data, message):
    with pytest.raises(FactsError) as refused:
        decide(data)
    assert str(refused.value).startswith(message)
    assert "\n" not in str(refused.value)


def test_errors_never_echo_the_value_given():
    with pytest.raises(FactsError) as refused:
        Facts.from_dict({"postcode": ["SW1A 1AA"]})
    assert "SW1A" not in str(refused.value)


def test_facts_built_directly_are_checked_too():
    with pytest.raises(FactsError):
        Facts(age=True)
    with pytest.raises(FactsError):
        Facts(channel="pigeon")


def test_a_mapping_that_is_not_a_dict_is_accepted():
    from types import MappingProxyType

    assert decide(MappingProxyType({"need": "complaint"})).destination == "complaints_and_feedback"


def test_something_that_is_not_a_mapping_is_refused():
    with pytest.raises(FactsError, match="JSON object"):
        decide([("age", 3)])  # type: ignore[arg-type]


def test_facts_from_a_mapping_equal_facts_built_directly():
    data = {"age": 18, "in_custody": True, "need": "information", "channel": None}
    built = Facts(age=18, in_custody=True, need="information")
    assert Facts.from_dict(data) == built
    assert hash(Facts.from_dict(data)) == hash(built)
