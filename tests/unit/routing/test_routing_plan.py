"""plan(): every routing rule at fixed times, with emergency closures."""

from __future__ import annotations

from datetime import datetime

import pytest
from routing_times import london

from routing.plan import EMERGENCY_SIGNPOSTS, plan
from triage import Decision

MONDAY_10 = london("2026-06-08 10:00")
FRIDAY_18 = london("2026-06-05 18:00")
SATURDAY_11 = london("2026-06-06 11:00")
SUNDAY_23 = london("2026-06-07 23:00")


def route(destination, channel="phone", at=MONDAY_10, *, directory, region=None, **options):
    decision = Decision(destination=destination, region=region)
    return plan(decision, channel, at, directory=directory, **options)


def test_incomplete_asks(directory):
    result = route("incomplete", directory=directory)
    assert result.action == "ask"
    assert result.to_dict()["decision"]["destination"] == "incomplete"


def test_adult_information_is_answered_with_an_adviser_in_reach(directory):
    result = route("adult_information", at=SUNDAY_23, directory=directory)
    assert result.action == "self_serve"  # 001:5.5, even out of hours
    assert result.to_dict()["adviser_queue"] == "adult_information"


@pytest.mark.parametrize("destination", ["outside_england", "not_eligible"])
def test_signposted_destinations(directory, destination):
    assert route(destination, directory=directory).action == "signpost"


@pytest.mark.parametrize("destination, queue", [
    ("young_people_service", "young_people"),
    ("adult_digital_advice", "adult_digital_advice"),
    ("complaints_and_feedback", "complaints"),
    ("safeguarding", "safeguarding"),
])
def test_contact_centre_routes_enqueue_while_open(directory, destination, queue):
    result = route(destination, "webchat", SATURDAY_11, directory=directory)
    assert (result.action, result.queue) == ("enqueue", queue)
    assert result.to_dict()["queue"] == queue and "callback_due" not in result.to_dict()


@pytest.mark.parametrize("destination, queue", [
    ("young_people_service", "young_people"),
    ("adult_digital_advice", "adult_digital_advice"),
    ("complaints_and_feedback", "complaints"),
])
def test_contact_centre_routes_get_a_callback_when_closed(directory, destination, queue):
    result = route(destination, at=SUNDAY_23, directory=directory)
    assert result.action == "cold_transfer"
    assert result.callback_queue == queue and result.queue is None
    # Due by the end of the contact centre's next opening period (Monday 22:00).
    assert result.callback_due == london("2026-06-08 22:00")
    assert result.opens_at == london("2026-06-08 08:00")


def test_christmas_day_callback_waits_for_the_27th(directory):
    result = route("young_people_service", at=london("2026-12-24 17:00"), directory=directory)
    assert result.action == "cold_transfer"
    assert result.callback_due == london("2026-12-27 22:00")


def test_safeguarding_out_of_hours_gets_emergency_signposts_not_a_callback_alone(directory):
    result = route("safeguarding", at=SUNDAY_23, directory=directory)
    assert result.action == "signpost"
    assert result.emergency == EMERGENCY_SIGNPOSTS == ("samaritans_116123", "999")
    assert result.callback_queue == "safeguarding"  # a person follows up as well
    assert result.to_dict()["emergency"] == ["samaritans_116123", "999"]


@pytest.mark.parametrize("language, at, action", [
    ("Punjabi", "2026-06-09 19:30", "enqueue"),  # Punjabi and Urdu to 20:00 (000:L47)
    ("urdu", "2026-06-09 19:30", "enqueue"),
    ("Polish", "2026-06-09 19:30", "cold_transfer"),  # the others to 17:00
    ("Polish", "2026-06-09 16:30", "enqueue"),
    ("Somali", "2026-06-06 11:00", "cold_transfer"),  # Monday to Friday only
    ("Gujarati", "2026-05-25 11:00", "cold_transfer"),  # bank holiday
])
def test_language_lines_follow_their_own_hours(directory, language, at, action):
    result = route("language_line", at=london(at), directory=directory, language=language)
    assert result.action == action
    if action == "enqueue":
        assert result.queue == "language_lines"
    else:
        assert result.callback_queue == "language_lines"


def test_polish_evening_callback_is_due_by_the_next_day_at_five(directory):
    result = route("language_line", at=london("2026-06-09 19:30"), directory=directory,
                   language="Polish")
    assert result.callback_due == london("2026-06-10 17:00")


def test_prime_contractor_advice_warm_while_both_open(directory):
    result = route("prime_contractor_advice", directory=directory, region="north-west")
    assert (result.action, result.contractor) == ("warm_transfer", "north-west")  # 001:6.1
    assert "callback_due" not in result.to_dict()


@pytest.mark.parametrize("at, due", [
    ("2026-06-05 18:00", "2026-06-08 17:00"),  # Friday evening -> Monday 17:00
    ("2026-12-24 18:00", "2026-12-29 17:00"),  # Christmas Eve -> Tuesday 29th
    ("2026-06-08 08:30", "2026-06-08 17:00"),  # contact centre open, contractor not yet
    ("2026-04-06 10:00", "2026-04-07 17:00"),  # Easter Monday
    ("2026-03-27 18:00", "2026-03-30 17:00"),  # over the spring clock change
])
def test_prime_contractor_cold_transfer_due_end_of_next_period(directory, at, due):
    result = route("prime_contractor_advice", at=london(at), directory=directory, region="london")
    assert (result.action, result.contractor) == ("cold_transfer", "london")
    assert result.callback_due == london(due)


def test_callback_due_is_printed_with_the_london_offset(directory):
    summer = route("prime_contractor_advice", at=FRIDAY_18, directory=directory, region="london")
    assert summer.to_dict()["callback_due"] == "2026-06-08T17:00:00+01:00"


def test_face_to_face_by_phone_is_warm_while_open(directory):
    result = route("prime_contractor_face_to_face", "phone", directory=directory, region="london")
    assert result.action == "warm_transfer"


@pytest.mark.parametrize("channel", ["webchat", "webform", "email"])
def test_face_to_face_through_a_digital_channel_is_always_cold(directory, channel):
    # 001:5.6: even while the contractor is open.
    result = route("prime_contractor_face_to_face", channel, MONDAY_10, directory=directory,
                   region="south-west")
    assert result.action == "cold_transfer"
    assert result.callback_due == london("2026-06-09 17:00")
    assert "001:5.6" in result.route_reasons


def test_saturday_webchat_face_to_face_is_cold(directory):
    result = route("prime_contractor_face_to_face", "webchat", SATURDAY_11, directory=directory,
                   region="north-east")
    assert result.action == "cold_transfer"
    assert result.callback_due == london("2026-06-08 17:00")


def test_emergency_closure_of_the_contractor_makes_it_cold(directory):
    result = route("prime_contractor_advice", directory=directory, region="north-west",
                   closed={"north-west"})
    assert result.action == "cold_transfer"
    assert result.callback_due == london("2026-06-09 17:00")
    other = route("prime_contractor_advice", directory=directory, region="london",
                  closed={"north-west"})
    assert other.action == "warm_transfer"


def test_emergency_closure_of_the_contact_centre_stops_warm_transfers(directory):
    result = route("prime_contractor_advice", directory=directory, region="london",
                   closed={"contact_centre"})
    assert result.action == "cold_transfer"


def test_emergency_closure_of_a_queue_gives_a_callback(directory):
    result = route("complaints_and_feedback", directory=directory, closed={"complaints"})
    assert (result.action, result.callback_queue) == ("cold_transfer", "complaints")
    assert result.callback_due == london("2026-06-09 22:00")
    safeguarding = route("safeguarding", directory=directory, closed={"safeguarding"})
    assert safeguarding.action == "signpost" and safeguarding.emergency


def test_prime_contractor_without_an_area_asks_for_the_postcode(directory):
    result = route("prime_contractor_advice", directory=directory, region=None)
    assert (result.action, result.missing) == ("ask", ("postcode",))


def test_bad_arguments_are_refused(directory):
    with pytest.raises(ValueError, match="unknown channel"):
        route("adult_information", "fax", directory=directory)
    with pytest.raises(ValueError, match="timezone-aware"):
        route("adult_information", at=datetime(2026, 6, 8, 10), directory=directory)
    with pytest.raises(ValueError, match="unknown destination"):
        route("elsewhere", directory=directory)
    with pytest.raises(ValueError, match="unknown prime contractor area"):
        route("prime_contractor_advice", directory=directory, region="wales")


def test_default_directory_is_used_when_none_is_given():
    result = plan(Decision(destination="prime_contractor_advice", region="london"), "phone",
                  MONDAY_10)
    assert result.action == "warm_transfer"
