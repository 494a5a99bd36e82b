"""The desk as a newcomer finds it: contacts named by channel, queue and time waited (in the list
and the wrap-up picker), and a canned answer previewed for editing, sent only by Send."""

from __future__ import annotations

import pytest

from app import create_app
from tests.integration.test_console_desk import Clock, adviser, chat_lines, chat_to_queue, desk
from tests.support.fake_twilio import FakeTwilio


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def app(settings, redis_client, clock):
    return create_app(settings, voice_clock=clock, chat_clock=clock, twilio=FakeTwilio())


def test_contacts_and_wrap_ups_carry_channel_queue_and_time_waited(app, clock):
    sam, _ = adviser(app, "sam", queues=("adult_digital_advice",))
    _, first = chat_to_queue(app)
    clock.advance(40)
    _, second = chat_to_queue(app)
    clock.advance(25)
    contacts = {c["member"]: c for c in desk(sam)["contacts"]}
    assert contacts[first]["waited_seconds"] == 65 and contacts[second]["waited_seconds"] == 25
    assert {c["queue"] for c in contacts.values()} == {"adult_digital_advice"}
    assert sam.post(f"/console/api/chats/{first}/close", headers=sam.headers).status_code == 200
    clock.advance(100)  # the wrap-up keeps the time waited when the contact ended
    assert desk(sam)["wrap_ups"] == [{"member": first, "channel": "chat",
                                      "queue": "adult_digital_advice", "waited_seconds": 65}]


def test_a_canned_answer_is_previewed_for_editing_and_nothing_is_sent(app):
    sam, _ = adviser(app, "sam", queues=("adult_digital_advice",))
    _, session_id = chat_to_queue(app)
    before = chat_lines(app, session_id)
    path = f"/console/api/chats/{session_id}"
    preview = sam.get(f"{path}/canned/website")
    assert preview.status_code == 200
    assert "nationalcareers.service.gov.uk" in preview.get_json()["text"]
    assert chat_lines(app, session_id) == before  # a preview says nothing to the customer
    assert sam.get(f"{path}/canned/nope").status_code == 404
    edited = "Have a look at nationalcareers.service.gov.uk for job profiles."
    sent = sam.post(f"{path}/messages", json={"text": edited, "canned": "website"},
                    headers=sam.headers)
    assert sent.status_code == 200 and sent.get_json()["text"] == edited
    assert chat_lines(app, session_id)[-1] == ("adviser", edited)  # the edit, not the template
    other, _ = adviser(app, "other", queues=("complaints",))
    assert other.get(f"{path}/canned/website").status_code == 403
