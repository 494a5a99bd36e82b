"""The safeguarding screen on every channel without the assistant: chat menu, keypad, speech.

A concern goes to a person at once (routing's safeguarding route) and raises a supervisor alert
in the Redis stream models.keys.SAFEGUARDING_ALERTS (003:L211), on real Redis and the database.
"""

from __future__ import annotations

import pytest

from routing.safeguarding_alerts import SafeguardingAlerts
from tests.integration.test_chat_api import make_app, say, start
from tests.support.twilio import NIGHT, WEEKDAY_MORNING, call_state, heard_text, new_call, voice_app


def _alerts(app) -> list[dict]:
    return SafeguardingAlerts(app.extensions["redis"]).recent()


@pytest.fixture
def chat(settings, redis_client):
    return make_app(settings)


@pytest.fixture
def phone(settings, redis_client):
    return voice_app(settings, WEEKDAY_MORNING)


def test_the_chat_menu_hands_a_concern_to_a_person(chat):
    client = chat.test_client()
    session_id = start(client)
    answer = say(client, session_id, "I want to kill myself")
    assert answer["route"]["queue"] == "safeguarding"
    texts = " ".join(m["text"] for m in answer["messages"])
    assert "Samaritans" in texts and "Sorry" not in texts
    alert = _alerts(chat)[0]
    assert (alert["channel"], alert["kind"], alert["explicit"], alert["where"]) == (
        "webchat", "self_harm", "1", "menu")
    assert "want to" not in " ".join(alert.values())  # never the customer's words


def test_an_indirect_concern_mid_menu_and_in_a_queue(chat):
    client = chat.test_client()
    session_id = start(client)
    say(client, session_id, "/chat_need advice")
    queued = say(client, session_id, "/chat_age 16")
    assert queued["route"]["queue"] == "young_people"
    moved = say(client, session_id, "honestly i dont see the point in going on")
    assert moved["route"]["queue"] == "safeguarding"
    assert _alerts(chat)[0]["where"] == "queued" and _alerts(chat)[0]["explicit"] == "0"


def test_an_idiom_is_not_an_alarm_on_chat(chat):
    client = chat.test_client()
    session_id = start(client)
    answer = say(client, session_id, "this job is killing me, I want advice")
    assert (answer["route"] or {}).get("queue") != "safeguarding"
    assert _alerts(chat) == []


def test_the_keypad_hears_words_said_at_a_keypad_question(phone):
    call = new_call(phone)
    call.start()  # the assistant is off: the keypad asks the age
    call.say("i dont want to be here anymore")
    assert call.waiting.kind == "queue"
    assert call_state(phone, call.call_sid)["plan"]["queue"] == "safeguarding"
    assert "putting you through to an adviser now" in heard_text(call)
    assert _alerts(phone)[0]["where"] == "keypad" and _alerts(phone)[0]["channel"] == "phone"


def test_the_keypad_still_treats_other_words_as_no_answer(phone):
    call = new_call(phone)
    call.start()
    heard = call.say("i'd die for an apprenticeship")
    assert call.waiting.kind != "queue" and heard
    assert _alerts(phone) == []


def test_at_night_a_concern_gets_emergency_numbers_and_a_follow_up(settings, redis_client):
    app = voice_app(settings, NIGHT)
    call = new_call(app)
    call.start()
    call.say("i want to end my life")
    assert "116 123" in heard_text(call) or "Samaritans" in heard_text(call)
    assert _alerts(app)[0]["kind"] == "self_harm"
