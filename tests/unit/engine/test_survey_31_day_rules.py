"""The 31-day survey's rules, without a database: when a last contact falls due, who is never
sent it, which address, the hash sampling, and the message holding only the link."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from engine import survey_31_day as survey
from engine.satisfaction import load_satisfaction_config

LAST = datetime(2026, 1, 10, 15, 0, tzinfo=UTC)
DUE = LAST + timedelta(days=31)
CONFIG = load_satisfaction_config().survey_31_day.model_copy(update={"share": 1.0})


def _candidate(**changes):
    values = {"contact_key": "CA-one", "customer_id": 1, "channel": "phone",
              "route": "adult_information", "last_at": LAST, "phone": "07400 123456",
              "email": None}
    return survey.Candidate(**(values | changes))


def _why(candidate=None, *, now=DUE, config=CONFIG, stopped=False, declined=False, held=False):
    return survey.exclusion(candidate or _candidate(), config=config, now=now, stopped=stopped,
                            declined=declined, held=held)


def test_the_file_says_31_days_a_14_day_link_and_a_share():
    config = load_satisfaction_config().survey_31_day
    assert (config.after_days, config.expires_days) == (31, 14)
    assert 0.0 < config.share < 1.0


def test_due_31_days_after_the_last_contact_and_not_a_minute_before():
    assert _why(now=DUE - timedelta(minutes=1)) == "not_yet"
    assert _why(now=DUE) is None
    assert _why(now=DUE + timedelta(days=CONFIG.window_days)) == "too_old"


@pytest.mark.parametrize(("flags", "reason"), [
    ({"stopped": True}, "opted_out"), ({"declined": True}, "declined"),
    ({"held": True}, "safeguarding")])
def test_stop_declined_follow_up_and_an_open_safeguarding_case_are_never_sent(flags, reason):
    assert _why(**flags) == reason


def test_a_safeguarding_route_is_never_sent_even_with_the_case_closed():
    assert _why(_candidate(route="safeguarding")) == "safeguarding"


def test_a_mobile_is_texted_a_landline_falls_back_to_email_and_nothing_is_not_sent():
    assert survey.address(_candidate()) == ("sms", "+447400123456")
    assert survey.address(_candidate(phone="0161 496 0000", email="a@example.org")) == (
        "email", "a@example.org")
    assert _why(_candidate(phone="0161 496 0000")) == "no_address"
    assert _why(_candidate(phone=None, email=None)) == "no_address"


def test_sampling_is_a_hash_of_the_contact_key_against_the_share():
    keys = [f"CA-{n}" for n in range(400)]
    assert survey.draw("CA-1") == survey.draw("CA-1")
    half = CONFIG.model_copy(update={"share": 0.5})
    chosen = [k for k in keys if _why(_candidate(contact_key=k), config=half) is None]
    assert 150 < len(chosen) < 250
    nobody = CONFIG.model_copy(update={"share": 0.0})
    assert {_why(_candidate(contact_key=k), config=nobody) for k in keys} == {"not_sampled"}


def test_the_token_is_unguessable_and_only_its_hash_is_kept():
    token, digest = survey.new_token(CONFIG)
    assert len(token) >= 32 and token not in digest and len(digest) == 64
    assert survey.token_hash(token) == digest and survey.new_token(CONFIG)[0] != token


def test_the_message_holds_the_link_and_the_days_and_nothing_about_the_customer():
    subject, body = survey.compose("sms", "https://example.org/survey/abc", CONFIG)
    assert subject is None and "https://example.org/survey/abc" in body
    assert str(CONFIG.expires_days) in body and "STOP" in body
    subject, body = survey.compose("email", "https://example.org/survey/abc", CONFIG)
    assert subject and "https://example.org/survey/abc" in body
