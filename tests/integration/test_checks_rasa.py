"""An uncertain fact is checked in one short question, on the phone and on chat, real assistant.

The phone posts the speech recogniser's Confidence with each turn; a low-confidence "fifty" is
checked ("Just to check, you're 50?") because 15 would go elsewhere, and a correction re-routes.
A confident age, or an uncertain one whose readings route alike, is never checked.
"""

from __future__ import annotations

import pytest

from config.settings import Settings
from ivr.chat.config import Limit
from tests.integration.test_chat_api import make_app
from tests.support.databases import TEST_REDIS_URL
from tests.support.rasa import rasa_server
from tests.support.twilio import WEEKDAY_MORNING, call_state, new_call, voice_app

CHECK = "Just to check"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    with rasa_server(log_dir=tmp_path_factory.mktemp("assistant")) as url:
        yield url


@pytest.fixture
def settings_(sqlite_url, assistant, redis_client):
    return Settings(app_env="test", database_url=sqlite_url, redis_url=TEST_REDIS_URL,
                    rasa_url=assistant, rasa_timeout_seconds=10.0, _env_file=None)


def _said(heard: list[str]) -> str:
    return " ".join(heard)


def test_phone_a_low_confidence_age_is_checked_and_corrected(settings_):
    app = voice_app(settings_, WEEKDAY_MORNING)
    call = new_call(app)
    call.start()
    call.say("i need some advice about what to do next")
    heard = call.say("i'm fifty", confidence=0.38)
    assert "Just to check, you're 50?" in _said(heard)
    heard = call.say("no fifteen")
    assert call_state(app, call.call_sid)["decision"]["destination"] == "young_people_service"
    assert CHECK not in _said(heard)


def test_phone_yes_keeps_the_age_and_a_key_answers_too(settings_):
    app = voice_app(settings_, WEEKDAY_MORNING)
    call = new_call(app)
    call.start()
    call.say("i want information about adult courses")
    heard = call.say("i'm thirty", confidence=0.35)
    assert "Just to check, you're 30?" in _said(heard) and "Press 1 for Yes" in _said(heard)
    call.press("1")
    assert call_state(app, call.call_sid)["decision"]["destination"] == "adult_information"


def test_phone_a_confident_or_harmless_age_is_not_checked(settings_):
    app = voice_app(settings_, WEEKDAY_MORNING)
    call = new_call(app)
    call.start()
    call.say("i want information about adult courses")
    heard = call.say("i'm fifty", confidence=0.93)
    assert CHECK not in _said(heard)
    assert call_state(app, call.call_sid)["decision"]["destination"] == "adult_information"
    call = new_call(app)
    call.start()
    call.say("i want to know about courses")
    heard = call.say("sixteen or seventeen")  # two ages, but young either way
    assert CHECK not in _said(heard)
    assert call_state(app, call.call_sid)["decision"]["destination"] == "young_people_service"


def _chat(settings):
    unlimited = Limit(1_000_000, 60)
    app = make_app(settings, address_sessions=unlimited, address_messages=unlimited)
    client = app.test_client()
    session = client.post("/api/chat/sessions").get_json()["session_id"]

    def send(text):
        answer = client.post(f"/api/chat/sessions/{session}/messages", json={"text": text})
        assert answer.status_code == 200
        return answer.get_json()

    return send


def test_chat_a_town_in_two_nations_is_checked(settings_):
    send = _chat(settings_)
    send("advice please")
    send("40")
    answer = send("newport")
    assert "Just to check, is that Newport in Wales?" in [m["text"] for m in answer["messages"]]
    assert answer.get("route") is None
    answer = send("no, newport in shropshire")
    assert answer["route"]["destination"] == "adult_digital_advice"


def test_chat_two_ages_check_who_it_is_for(settings_):
    send = _chat(settings_)
    answer = send("my son is 14 and im 45, he wants to know about apprenticeships")
    texts = [m["text"] for m in answer["messages"]]
    assert "Just to check, is this for someone aged 14?" in texts
    answer = send("yes")
    assert answer["route"]["destination"] == "young_people_service"
