"""Queued calls answered from the console through the Twilio emulator (REST API and webhooks).

The customer phones the emulator, which calls the app's voice webhooks as Twilio does; the
dispatcher rings the chosen adviser's endpoint through the app's Twilio REST client; the adviser
answers in the emulator, hears the whisper, presses 1 and is in one conference with THAT caller.
"""

from __future__ import annotations

import pytest

from tests.support.browser import WEEKDAY_MORNING, moving_clock
from tests.support.console import api_headers, signed_in
from tests.support.emulator import eventually, live_voice_app, queued_young_person


@pytest.fixture
def live(settings, redis_client):
    clock = moving_clock(WEEKDAY_MORNING)
    with live_voice_app(settings, voice_clock=clock, chat_clock=clock) as live:
        yield live


def adviser(app, name, queues=("young_people",)):
    client, _ = signed_in(app, name, "adviser", queues=list(queues), endpoint=f"client:{name}")
    assert client.get("/console/desk").status_code == 200
    client.headers = api_headers(client)
    answer = client.post("/console/api/presence", json={"mode": "available"},
                         headers=client.headers)
    assert answer.status_code == 200
    return client


def desk(client):
    return client.get("/console/api/desk").get_json()


def test_a_queued_call_is_answered_with_the_whisper_and_the_screen_pop(live):
    sam = adviser(live.app, "sam")
    customer = queued_young_person(live)
    ringing = live.emulator.ringing("client:sam")
    contacts = eventually(lambda: desk(sam)["contacts"])
    assert contacts[0]["member"] == customer.sid and contacts[0]["channel"] == "call"
    pop = sam.get(f"/console/api/contacts/{customer.sid}").get_json()
    assert pop["facts"]["age"] == 16 and pop["destination"] == "young_people_service"
    assert pop["dialled"] == "+44800100900" and pop["reasons"]
    heard = " ".join(ringing.answer())
    assert "young person, 16, waited" in heard and "Press 1" in heard
    ringing.press("1")
    customer.wait_for("conference")
    ringing.wait_for("conference")
    assert customer.info()["conference"] == ringing.info()["conference"]
    assert "You are now through to an adviser." in customer.heard
    customer.hang_up()
    wrap = eventually(lambda: desk(sam)["wrap_ups"])
    assert [(w["member"], w["channel"], w["queue"]) for w in wrap] == [
        (customer.sid, "call", "young_people")]
    assert desk(sam)["presence"]["status"] == "wrap_up"
    done = sam.post(f"/console/api/contacts/{customer.sid}/wrap-up", headers=sam.headers,
                    json={"outcome": "advice_given"})
    assert done.status_code == 200 and done.get_json()["presence"]["status"] == "available"


def test_a_call_the_adviser_does_not_answer_keeps_its_place(live):
    ann = adviser(live.app, "ann")
    customer = queued_young_person(live)
    live.emulator.ringing("client:ann").decline("no-answer")
    eventually(lambda: desk(ann)["presence"]["status"] == "away")
    assert desk(ann)["presence"]["reason"] == "no answer"
    assert customer.info()["queue_sid"]  # still waiting, still first
    assert live.app.extensions["redis"].zrange("ct:queue:young_people", 0, 0) == [customer.sid]
    bob = adviser(live.app, "bob")
    ringing = live.emulator.ringing("client:bob")
    ringing.answer()
    ringing.press("1")
    customer.wait_for("conference")
    assert desk(bob)["contacts"][0]["member"] == customer.sid
    customer.hang_up()
