"""The satisfaction survey on the phone, through the Twilio emulator, on PostgreSQL and Redis.

A young person waits, an adviser takes the call, and the adviser leaves the conference: the
caller is still on the line, and a sampled caller hears the two questions in the same call
(000:L80). So does a caller the assistant answered (information, 001:5.5) when they say goodbye.
Sampling is set through the configuration: a share of 1.0 asks everyone, 0.0 no one.
"""

from __future__ import annotations

import dataclasses

import pytest
import sqlalchemy as sa

from config.settings import Settings
from engine.satisfaction import load_satisfaction_config
from models.contacts import timeline
from models.db import make_engine, session_scope
from models.satisfaction import SatisfactionResponse
from routing.safeguarding_alerts import SafeguardingAlerts
from tests.integration.test_console_calls_emulator import adviser
from tests.support.browser import WEEKDAY_MORNING, moving_clock
from tests.support.databases import TEST_REDIS_URL, truncate_all
from tests.support.emulator import eventually, live_voice_app, queued_young_person
from tests.support.twilio import set_facts

WORDS = load_satisfaction_config().phone


def config_with(share: float):
    config = load_satisfaction_config()
    return config.model_copy(update={"share_by_route": {k: share for k in config.share_by_route}})


@pytest.fixture
def pg_settings(postgres_url, redis_client):
    truncate_all(make_engine(postgres_url))
    return Settings(app_env="test", database_url=postgres_url, redis_url=TEST_REDIS_URL,
                    rasa_enabled=False, _env_file=None)


def live_app(settings, share: float):
    clock = moving_clock(WEEKDAY_MORNING)
    return live_voice_app(settings, voice_clock=clock, chat_clock=clock,
                          satisfaction_config=config_with(share))


def through_to_adviser(live, name="sam"):
    """A queued young person answered by adviser `name`; the adviser's leg and the caller's."""
    adviser(live.app, name)
    customer = queued_young_person(live)
    ringing = live.emulator.ringing(f"client:{name}")
    ringing.answer()
    ringing.press("1")
    customer.wait_for("conference")
    return ringing, customer


def responses(live) -> list[SatisfactionResponse]:
    engine = live.app.extensions["engine"]
    with session_scope(engine) as session:
        return list(session.exec(sa.select(SatisfactionResponse)).scalars())


def events(live, key: str, kind: str):
    with session_scope(live.app.extensions["engine"]) as session:
        return [e for e in timeline(session=session, contact_key=key) if e.kind == kind]


def test_a_sampled_caller_answers_the_survey_after_the_adviser_leaves(pg_settings):
    with live_app(pg_settings, 1.0) as live:
        ringing, customer = through_to_adviser(live)
        ringing.hang_up()
        heard = customer.wait_heard(WORDS.consent)
        assert heard[-1] == WORDS.consent
        customer.wait_for("input")
        assert customer.press("1")[-1] == WORDS.score_question
        assert customer.press("4")[-1] == WORDS.needed_question
        assert customer.press("1")[-1] == WORDS.thanks
        customer.wait_for("completed")
        [row] = eventually(lambda: responses(live))
        assert (row.contact_key, row.channel, row.route, row.queue, row.score,
                row.got_what_they_needed) == (customer.sid, "phone", "young_people_service",
                                              "young_people", 4, True)
        [event] = events(live, customer.sid, "satisfaction")
        assert event.detail == {"channel": "phone", "score": 4, "satisfied": True,
                                "got_what_they_needed": True, "skipped": False}
        assert eventually(lambda: events(live, customer.sid, "ended"))


def test_a_sampled_caller_is_asked_when_the_prime_contractor_ends_a_warm_transfer(pg_settings):
    with live_app(pg_settings, 1.0) as live:
        customer = live.emulator.phone()
        customer.settle()
        set_facts(live.app, customer.sid, postcode="M1 1AE")  # as the assistant would have learnt
        customer.press("45")
        customer.press("2")  # adult advice on the phone: the local prime contractor (001:5.3)
        contractor = live.emulator.ringing("+441614960002")  # the North West's transfer number
        contractor.answer()
        contractor.press("1")
        customer.wait_for("bridged")
        contractor.hang_up()
        customer.wait_heard(WORDS.consent)
        customer.wait_for("input")
        customer.press("1")
        customer.press("5")
        assert customer.press("1")[-1] == WORDS.thanks
        [row] = eventually(lambda: responses(live))
        assert (row.route, row.contractor, row.score, row.got_what_they_needed) == (
            "prime_contractor_advice", "north-west", 5, True)


def test_a_wrong_key_is_asked_again_once(pg_settings):
    with live_app(pg_settings, 1.0) as live:
        ringing, customer = through_to_adviser(live)
        ringing.hang_up()
        customer.wait_heard(WORDS.consent)
        customer.wait_for("input")
        customer.press("1")
        assert customer.press("9") == [WORDS.invalid_key, WORDS.score_question]
        assert customer.press("2")[-1] == WORDS.needed_question
        assert customer.press("7") == [WORDS.invalid_key, WORDS.needed_question]
        # A second wrong key ends it politely: the score stays, the question left is skipped.
        assert customer.press("8")[-1] == WORDS.thanks
        [row] = eventually(lambda: responses(live))
        assert (row.score, row.got_what_they_needed) == (2, None)


def test_silence_at_the_consent_stores_a_skip_never_a_score(pg_settings):
    with live_app(pg_settings, 1.0) as live:
        ringing, customer = through_to_adviser(live)
        ringing.hang_up()
        customer.wait_heard(WORDS.consent)
        customer.wait_for("input")
        assert customer.silence()[-1] == WORDS.skipped
        customer.wait_for("completed")
        [row] = eventually(lambda: responses(live))
        assert (row.score, row.got_what_they_needed) == (None, None)
        [event] = events(live, customer.sid, "satisfaction")
        assert event.detail["skipped"] is True and event.detail["score"] is None


def test_the_hash_key_skips_the_question_left_and_keeps_the_score_given(pg_settings):
    with live_app(pg_settings, 1.0) as live:
        ringing, customer = through_to_adviser(live)
        ringing.hang_up()
        customer.wait_heard(WORDS.consent)
        customer.wait_for("input")
        customer.press("1")
        assert customer.press("#")[-1] == WORDS.skipped  # # at the score: nothing scored
        [row] = eventually(lambda: responses(live))
        assert (row.score, row.got_what_they_needed) == (None, None)


def test_a_concern_said_during_the_survey_reaches_a_person(pg_settings, redis_client):
    with live_app(pg_settings, 1.0) as live:
        ringing, customer = through_to_adviser(live)
        ringing.hang_up()
        customer.wait_heard(WORDS.consent)
        customer.wait_for("input")
        heard = customer.say("i want to kill myself")  # screened as at any question (003:L211)
        assert any("putting you through to a member of our team" in text for text in heard)
        assert eventually(lambda: customer.info()["queue_sid"])  # waiting for a person now
        [alert] = SafeguardingAlerts(redis_client).recent()
        assert alert["where"] == "survey"
        [row] = eventually(lambda: responses(live))
        assert (row.score, row.got_what_they_needed) == (None, None)  # the survey stopped
        customer.hang_up()


def test_hanging_up_during_the_survey_keeps_what_was_answered(pg_settings):
    with live_app(pg_settings, 1.0) as live:
        ringing, customer = through_to_adviser(live)
        ringing.hang_up()
        customer.wait_heard(WORDS.consent)
        customer.wait_for("input")
        customer.press("1")
        customer.press("5")
        customer.hang_up()
        [row] = eventually(lambda: responses(live))
        assert (row.score, row.got_what_they_needed) == (5, None)


def test_an_unsampled_caller_is_not_asked(pg_settings):
    with live_app(pg_settings, 0.0) as live:
        ringing, customer = through_to_adviser(live)
        ringing.hang_up()
        customer.wait_for("completed")
        assert not any(WORDS.consent in said for said in customer.heard)
        assert eventually(lambda: events(live, customer.sid, "ended"))
        assert responses(live) == []
        assert events(live, customer.sid, "satisfaction") == []


def test_a_caller_served_in_another_language_is_not_asked_in_english(pg_settings):
    with live_app(pg_settings, 1.0) as live:
        ringing, customer = through_to_adviser(live)
        set_facts(live.app, customer.sid, language="Polish")  # as a language line would have it
        ringing.hang_up()
        customer.wait_for("completed")
        assert not any(WORDS.consent in said for said in customer.heard)
        assert responses(live) == []


class InformationAssistant:
    """A scripted assistant: it answers an information request, then says goodbye."""

    def send(self, sender, text, metadata=None, timeout=None):
        if "course" in text:
            return [{"text": "You can search for courses on the National Careers Service "
                             "website."},
                    {"custom": {"triage": {"decision": {"destination": "adult_information"},
                                           "facts": {"age": 30, "need": "information"}}}}]
        return [{"text": "Thank you for calling. Goodbye."}, {"custom": {"end_conversation": True}}]


def with_assistant(live):
    voice = live.app.extensions["voice"]
    live.app.extensions["voice"] = dataclasses.replace(voice, rasa=InformationAssistant())


def test_a_caller_the_assistant_answered_is_asked_when_they_are_done(pg_settings):
    with live_app(pg_settings, 1.0) as live:
        with_assistant(live)
        customer = live.emulator.phone()
        customer.settle()
        customer.say("where can I find a course in welding")
        heard = customer.say("no thanks, that is all")
        assert heard[-1] == WORDS.consent  # instead of the goodbye and hanging up
        customer.wait_for("input")
        customer.press("1")
        customer.press("3")
        assert customer.press("2")[-1] == WORDS.thanks
        [row] = eventually(lambda: responses(live))
        assert (row.route, row.queue, row.score, row.got_what_they_needed) == (
            "adult_information", None, 3, False)


def test_an_unsampled_caller_the_assistant_answered_hears_only_goodbye(pg_settings):
    with live_app(pg_settings, 0.0) as live:
        with_assistant(live)
        customer = live.emulator.phone()
        customer.settle()
        customer.say("where can I find a course in welding")
        customer.say("no thanks, that is all")
        customer.wait_for("completed")
        assert not any(WORDS.consent in said for said in customer.heard)
        assert responses(live) == []
