"""A caller waiting in a queue still listens (real assistant): words heard by the wait message's
speech Gather that change the route take the caller out of the queue to the new route, keeping
their time waited in the next queue, with the reason on the timeline."""

from __future__ import annotations

import pytest

from config.settings import Settings
from models import keys
from tests.support.databases import TEST_REDIS_URL
from tests.support.rasa import rasa_server
from tests.support.twilio import WEEKDAY_MORNING, call_state, events, new_call, voice_app


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    with rasa_server(log_dir=tmp_path_factory.mktemp("assistant")) as url:
        yield url


@pytest.fixture
def app(sqlite_url, assistant, redis_client):
    settings = Settings(app_env="test", database_url=sqlite_url, redis_url=TEST_REDIS_URL,
                        rasa_url=assistant, rasa_timeout_seconds=5.0, _env_file=None)
    return voice_app(settings, WEEKDAY_MORNING)


def joined_at(redis_client, queue: str, call_sid: str) -> float | None:
    return redis_client.zscore(keys.key(keys.QUEUE, queue_id=queue), call_sid)


def queued_for_complaints(app):
    call = new_call(app)
    call.start()
    call.say("I want to make a complaint about the service")
    assert call.waiting.kind == "queue"
    assert call_state(app, call.call_sid)["plan"]["queue"] == "complaints"  # 001:32.2
    return call


def test_a_new_need_while_waiting_moves_the_caller_keeping_their_time(app, redis_client):
    call = queued_for_complaints(app)
    joined = joined_at(redis_client, "complaints", call.call_sid)
    assert joined is not None

    call.say("actually I'm sixteen and I just want some careers advice")

    state = call_state(app, call.call_sid)
    assert state["decision"]["destination"] == "young_people_service"  # 001:5.2
    assert state["plan"]["queue"] == "young_people" and call.waiting.kind == "queue"
    assert joined_at(redis_client, "complaints", call.call_sid) is None
    assert joined_at(redis_client, "young_people", call.call_sid) == joined  # time kept
    timeline = events(app, call.call_sid)
    left = [detail for kind, detail in timeline if kind == "left_queue"]
    assert left == [{"queue": "complaints", "reason": "customer_update"}]
    assert [detail["queue"] for kind, detail in timeline if kind == "enqueued"] == [
        "complaints", "young_people"]


def test_words_that_change_nothing_keep_the_caller_waiting(app, redis_client):
    call = queued_for_complaints(app)
    joined = joined_at(redis_client, "complaints", call.call_sid)

    call.say("how long will this take")

    assert call.waiting.kind == "queue"
    assert call_state(app, call.call_sid)["plan"]["queue"] == "complaints"
    assert joined_at(redis_client, "complaints", call.call_sid) == joined


@pytest.fixture
def identifying_app(sqlite_url, assistant, redis_client):
    settings = Settings(app_env="test", database_url=sqlite_url, redis_url=TEST_REDIS_URL,
                        rasa_url=assistant, rasa_timeout_seconds=5.0, identity_checks=True,
                        _env_file=None)
    return voice_app(settings, WEEKDAY_MORNING)


def at_the_surname_question(app):
    call = new_call(app)
    call.start()
    call.say("I'd like some careers advice please")
    call.say("I'm seventy one")
    call.say("L S one four A P")
    assert "What is your surname?" in " ".join(call.heard[-3:])
    assert call_state(app, call.call_sid)["decision"]["destination"] == "prime_contractor_advice"
    return call


def test_a_correction_said_at_the_identity_question_takes_the_new_route(identifying_app):
    call = at_the_surname_question(identifying_app)

    call.say("sorry I'm actually seventeen not seventy one")

    state = call_state(identifying_app, call.call_sid)
    assert state["decision"]["destination"] == "young_people_service"  # 001:5.2
    assert call.waiting.kind == "queue" and state["plan"]["queue"] == "young_people"
    triaged = [d for kind, d in events(identifying_app, call.call_sid) if kind == "triaged"]
    assert triaged[-1]["reason"] == "customer_update"


def test_a_goodbye_at_the_identity_question_ends_the_call_politely(identifying_app):
    call = at_the_surname_question(identifying_app)

    call.say("lovely thank you bye now")

    assert call.ended and "Goodbye" in call.heard[-1]
