"""Contacts offered on the desk, on real Redis: offered until taken (Accept on the desk, 1 on the
phone, or a reply), handle time from then on the app's clock; Decline gives the contact back with
its place and sends the adviser Away; each adviser's alert preferences are kept server-side."""

from __future__ import annotations

import pytest

from app import create_app
from tests.integration.test_console_desk import (
    Clock,
    adviser,
    chat_lines,
    chat_to_queue,
    desk,
    leg,
    queued_young_person,
    twilio_leg_sid,
)
from tests.support.fake_twilio import FakeTwilio


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def twilio():
    return FakeTwilio()


@pytest.fixture
def app(settings, redis_client, clock, twilio):
    return create_app(settings, voice_clock=clock, chat_clock=clock, twilio=twilio)


JSON = {"Accept": "application/json"}


def post(client, path, **body):
    return client.post(path, json=body or None, headers={**client.headers, **JSON})


def test_a_chat_is_offered_until_accepted_then_its_handle_time_runs(app, clock):
    sam, _ = adviser(app, "sam", queues=("adult_digital_advice",))
    _, chat = chat_to_queue(app)
    state = desk(sam)
    assert state["offered"] == [chat] and state["handled_seconds"] == {}
    clock.advance(12)
    accepted = post(sam, f"/console/api/contacts/{chat}/accept")
    assert accepted.status_code == 200
    assert accepted.get_json()["offered"] == [] and accepted.get_json()["handled_seconds"] == {
        chat: 0}
    clock.advance(95)
    assert desk(sam)["handled_seconds"] == {chat: 95}
    again = post(sam, f"/console/api/contacts/{chat}/accept")
    assert again.status_code == 409 and "already taken" in again.get_json()["error"]
    late = post(sam, f"/console/api/contacts/{chat}/decline")
    assert late.status_code == 409 and "end it instead" in late.get_json()["error"]
    other, _ = adviser(app, "other", queues=("complaints",))
    assert post(other, f"/console/api/contacts/{chat}/accept").status_code == 403


def test_a_reply_takes_a_chat_offered(app, clock):
    sam, _ = adviser(app, "sam", queues=("adult_digital_advice",))
    _, chat = chat_to_queue(app)
    clock.advance(3)
    assert post(sam, f"/console/api/chats/{chat}/messages", text="Hello").status_code == 200
    assert desk(sam)["offered"] == [] and desk(sam)["handled_seconds"] == {chat: 0}


def test_a_declined_chat_keeps_its_place_and_goes_to_the_next_adviser(app, clock):
    sam, _ = adviser(app, "sam", queues=("adult_digital_advice",))
    _, chat = chat_to_queue(app)
    clock.advance(30)
    declined = post(sam, f"/console/api/contacts/{chat}/decline")
    assert declined.status_code == 200
    state = declined.get_json()
    assert state["presence"]["status"] == "away" and state["presence"]["reason"] == "declined"
    assert state["contacts"] == [] and state["waiting"]["adult_digital_advice"] == 1
    assert "You keep your place" in chat_lines(app, chat)[-1][1]  # the customer is told
    ann, _ = adviser(app, "ann", queues=("adult_digital_advice",))
    [taken] = desk(ann)["contacts"]
    assert taken["member"] == chat and taken["waited_seconds"] >= 30  # its first place kept


def test_a_ringing_call_is_declined_from_the_desk_and_taken_by_pressing_1(app, clock, twilio):
    call = queued_young_person(app)
    sam, _ = adviser(app, "sam")
    assert desk(sam)["offered"] == [call.call_sid]
    ringing = twilio_leg_sid(app, call)
    assert post(sam, f"/console/api/contacts/{call.call_sid}/decline").status_code == 200
    assert twilio.made("update_call")[-1] == {"call_sid": ringing, "status": "canceled"}
    assert desk(sam)["presence"]["reason"] == "declined"
    assert app.extensions["redis"].zrange("ct:queue:young_people", 0, -1) == [call.call_sid]

    bob, _ = adviser(app, "bob")
    assert desk(bob)["offered"] == [call.call_sid]
    bob_leg = twilio_leg_sid(app, call)
    leg(call, "answer", bob_leg)
    clock.advance(4)
    leg(call, "accept", bob_leg, Digits="1")
    assert desk(bob)["offered"] == [] and desk(bob)["handled_seconds"] == {call.call_sid: 0}
    refused = post(bob, f"/console/api/contacts/{call.call_sid}/decline")
    assert refused.status_code == 409


def test_alert_preferences_are_kept_with_the_account(app):
    sam, _ = adviser(app, "sam")
    assert sam.get("/console/api/alerts").get_json() == {"sound": True, "volume": 0.6}
    assert post(sam, "/console/api/alerts", sound=False, volume=0.25).get_json() == {
        "sound": False, "volume": 0.25}
    assert sam.get("/console/api/alerts").get_json() == {"sound": False, "volume": 0.25}
    for body, reason in (({}, "give"), ({"volume": 2}, "from 0 to 1"),
                         ({"volume": "loud"}, "from 0 to 1"), ({"sound": "yes"}, "true or false")):
        refused = post(sam, "/console/api/alerts", **body)
        assert refused.status_code == 400 and reason in refused.get_json()["error"], body
    ann, _ = adviser(app, "ann")
    assert ann.get("/console/api/alerts").get_json()["sound"] is True  # each their own
