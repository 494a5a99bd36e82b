"""Relay UK: a number given with 18001 is accepted wherever a callback number is taken, kept with
its prefix, and called back through the relay service (PLATFORM-NOTES "Relay UK"; 001:3.1)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest
from sqlmodel import Session, select

from ivr.voice import click_to_call
from models.callbacks import Callback
from routing import callbacks as cb
from tests.integration.test_call_me import ask, forms_app
from tests.support.recording_twilio import FakeTwilio
from tests.support.twilio import BASE_URL, NIGHT, WEEKDAY_MORNING, new_call, sign, voice_app

RELAY_GIVEN = "18001 0161 496 0000"
RELAY_KEPT = "18001 01614960000"
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def _callbacks(app) -> list[Callback]:
    with Session(app.extensions["engine"]) as session:
        return list(session.exec(select(Callback)))


def test_a_number_keyed_with_18001_on_the_phone_is_kept_with_the_prefix(settings, redis_client):
    app = voice_app(settings, NIGHT)  # everyone closed: the keypad path offers a callback
    call = new_call(app)
    call.start()
    call.press("45")
    call.press("2")
    call.press("1")  # a callback when the contact centre opens
    heard = call.press("2")  # not the caller ID: another number
    assert heard[-1].startswith("Please enter the UK phone number")
    heard = call.press("1800101614960000")
    assert heard[0].startswith("Thank you.") and call.ended
    [callback] = _callbacks(app)
    assert callback.phone == RELAY_KEPT


def test_the_call_me_form_takes_a_relay_uk_number(database_url, engine, redis_client):
    app = forms_app(database_url, engine)
    response = ask(app.test_client(), phone=RELAY_GIVEN)
    assert response.status_code == 201, response.get_json()
    [callback] = _callbacks(app)
    assert callback.phone == RELAY_KEPT


def test_a_relay_prefix_with_no_real_number_is_refused_with_a_reason(database_url, engine,
                                                                    redis_client):
    app = forms_app(database_url, engine)
    response = ask(app.test_client(), phone="18001 12345")
    assert response.status_code == 400 and "phone" in response.get_json()["error"]
    assert _callbacks(app) == []


@pytest.fixture
def relay_callback(settings, redis_client):
    twilio = FakeTwilio()
    app = voice_app(settings, WEEKDAY_MORNING, twilio=twilio, callback_clock=lambda: NOW)
    with Session(app.extensions["engine"]) as session:
        made = cb.create_callback(session=session, contact_key="CA-relay", due=NOW,
                                  reason="Phone call: advice", source="out_of_hours",
                                  queue_id="adult_information", phone=RELAY_GIVEN, now=NOW)
        cb.claim_callback(session=session, callback_id=made.id, staff_id="anna", now=NOW)
    return app, made


def test_a_relay_uk_callback_is_dialled_through_the_relay_service(relay_callback):
    app, made = relay_callback
    assert made.phone == RELAY_KEPT
    with app.test_request_context(base_url=BASE_URL):
        dial = click_to_call.start_call(callback_id=made.id, staff_id="anna",
                                        endpoint="+441134960999")
    url = f"{BASE_URL}/voice/click-to-call/adviser?dial={dial.token}"
    params = {"CallSid": "CA-adv", "CallStatus": "in-progress", "To": "+441134960999"}
    headers = {"X-Twilio-Signature": sign(app.config["SETTINGS"].effective_twilio_auth_token,
                                          url, params)}
    response = app.test_client().post(url[len(BASE_URL):], data=params, headers=headers,
                                      base_url=BASE_URL)
    number = ET.fromstring(response.data).find("Dial").find("Number")
    # 18002 + the national number: a voice call reaching a textphone user (config/callbacks.yaml).
    assert number.text == "1800201614960000"


def test_a_relay_uk_number_typed_in_the_webchat_is_kept_with_its_prefix(settings, redis_client):
    from tests.integration.test_chat_api import converse, make_app, say
    from tests.support.browser import LATE_EVENING

    app = make_app(settings, at=LATE_EVENING)  # closed: the chat takes details for a callback
    client = app.test_client()
    session_id, answer = converse(client, "/chat_need advice", "30", "M1 1AA")
    assert answer["route"]["action"] == "cold_transfer"
    say(client, session_id, f"my number is {RELAY_GIVEN} thanks")
    [callback] = _callbacks(app)
    assert callback.phone == RELAY_KEPT
