"""When a promised callback is due, the same on every channel."""

from datetime import UTC, datetime, timedelta

from engine import promises
from routing.callback_config import load_rules
from routing.plan import default_directory

CENTRE = default_directory().contact_centre


def test_a_busy_period_callback_is_due_within_the_configured_hours_on_the_hour():
    at = datetime(2026, 3, 2, 10, 17, 45, tzinfo=UTC)
    due = promises.busy_period(at)
    assert due == datetime(2026, 3, 3, 10, 0, tzinfo=UTC)
    assert timedelta(0) < due - at <= timedelta(hours=load_rules().busy_callback_hours)


def test_a_closed_centre_promises_the_end_of_its_next_opening_period():
    christmas_3am = datetime(2026, 12, 25, 3, 0, tzinfo=UTC)
    due = promises.next_period(CENTRE, christmas_3am)
    assert due > christmas_3am and due.date() > christmas_3am.date()


def test_a_planned_due_time_is_kept_and_a_missing_one_gets_the_busy_promise():
    at = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
    kept = datetime(2026, 3, 3, 17, 0, tzinfo=UTC)
    assert promises.planned(kept, at) == kept
    assert promises.planned(None, at) == promises.busy_period(at)


def test_a_safeguarding_follow_up_is_due_now():
    at = datetime(2026, 3, 2, 22, 5, tzinfo=UTC)
    assert promises.safeguarding(at) == at


def test_who_will_call_names_the_prime_contractor_or_the_contact_centre():
    directory = default_directory()
    assert promises.who_will_call({"contractor_id": "north-west"}, directory) == \
        "An adviser from the North West prime contractor"
    assert promises.who_will_call({"queue_id": "adult_information"}, directory) == \
        "An adviser from the contact centre"
