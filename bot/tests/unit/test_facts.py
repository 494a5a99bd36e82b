"""Facts read from slots and metadata are cleaned into the types triage expects."""

from __future__ import annotations

from bot.actions.facts import channel_of, clean_fact, facts_from, known_facts_from_metadata
from bot.tests.unit.conftest import make_tracker


def test_facts_leave_unknowns_out_and_take_the_channel_from_metadata():
    tracker = make_tracker({"age": 17.0, "need": "information", "postcode": None},
                           metadata={"channel": "webchat"})

    assert facts_from(tracker) == {"channel": "webchat", "age": 17, "need": "information"}


def test_channel_falls_back_to_the_slot_then_the_phone():
    assert channel_of(make_tracker({"channel": "webchat"})) == "webchat"
    assert channel_of(make_tracker({})) == "phone"
    assert channel_of(make_tracker({}, metadata={"channel": "fax"})) == "phone"


def test_english_is_the_default_language_so_it_is_not_a_fact():
    assert "language" not in facts_from(make_tracker({"language": "English"}))


def test_values_of_the_wrong_type_are_dropped_not_guessed():
    assert clean_fact("age", "nineteen") is None
    assert clean_fact("age", 19.5) is None
    assert clean_fact("age", True) is None
    assert clean_fact("qualification_level", 9) is None
    assert clean_fact("in_work", "yes") is True
    assert clean_fact("in_work", "maybe") is None
    assert clean_fact("need", "a chat") is None
    assert clean_fact("nation", "wales") == "wales"


def test_metadata_facts_are_cleaned_and_unknown_names_ignored():
    metadata = {"facts": {"jobcentre_plus_claimant": True, "shoe_size": 9, "age": "x"}}

    assert known_facts_from_metadata(metadata) == {"jobcentre_plus_claimant": True}
    assert known_facts_from_metadata({"facts": "nonsense"}) == {}
