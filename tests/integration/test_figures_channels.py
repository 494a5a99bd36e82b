"""The channels count figures as they record the timeline: phone webhooks and the chat API."""

from __future__ import annotations

from datetime import UTC

import pytest

from app import create_app
from config import clock
from routing.figure_definitions import load_definitions
from routing.figures_live import dashboard_json, snapshot
from tests.support.browser import WEEKDAY_MORNING as CHAT_MORNING
from tests.support.browser import moving_clock
from tests.support.twilio import WEEKDAY_MORNING, new_call, voice_app


def body(app, now):
    snap = snapshot(redis_client=app.extensions["redis"], engine=app.extensions["engine"],
                    now=now, definitions=load_definitions(),
                    queue_ids=app.extensions["voice"].directory.queues)
    return dashboard_json(snap)


@pytest.fixture
def phone(settings, redis_client):
    return voice_app(settings, WEEKDAY_MORNING)


def young_person_in_queue(app):
    call = new_call(app)
    call.start()
    call.press("16")  # a young person is queued at once, whatever they need (001:5.2)
    return call


def test_queued_calls_count_as_answered_abandoned_and_left(phone):
    for queue_time in (14, 16):
        young_person_in_queue(phone)._queue_ends("bridged", queue_time)
    for queue_time in (4, 40):
        call = young_person_in_queue(phone)
        call.post(call.waiting.enqueue_action, QueueResult="hangup", QueueTime=str(queue_time),
                  CallStatus="completed")
        call._finish()
    waiting = young_person_in_queue(phone)
    leaving = young_person_in_queue(phone)
    leaving.wait_in_queue()
    leaving.press("1")                         # a callback instead: neither answered nor abandoned
    figures = body(phone, clock.now())
    q = figures["queues"]["young_people"]
    assert (q["offered"], q["answered"], q["answered_within_threshold"]) == (6, 2, 1)
    assert (q["abandoned"], q["short_abandoned"], q["waiting"]) == (2, 1, 1)
    assert q["service_level"] == pytest.approx(1 / 3)
    assert q["abandonment_rate"] == pytest.approx(2 / 6)
    assert q["average_speed_of_answer_seconds"] == 15
    assert figures["channels"]["phone"]["young_people"]["offered"] == 6
    assert figures["assistant"]["phone"]["started"] == 6
    assert waiting.waiting.kind == "queue"
    # The status callback of a call already counted is not counted again.
    young_person_in_queue(phone)._queue_ends("bridged", 3)
    assert body(phone, clock.now())["queues"]["young_people"]["answered"] == 3


def test_a_cold_transfer_after_a_failed_warm_one_is_counted_for_the_contractor(phone):
    from tests.support.twilio import set_facts
    call = new_call(phone)
    call.start()
    set_facts(phone, call.call_sid, postcode="M1 1AE")
    call.press("45")
    call.press("2")
    call.adviser_does_not_answer()
    call.press("1")                                         # the caller ID is right
    transfers = body(phone, clock.now())["transfers"]
    assert transfers["north-west"] == {"warm": 0, "failed_warm": 1, "cold": 1}


def test_chats_count_from_joining_to_leaving(settings, redis_client):
    app = create_app(settings, chat_clock=moving_clock(CHAT_MORNING))
    client = app.test_client()
    sessions = []
    for _ in range(2):
        session_id = client.post("/api/chat/sessions").get_json()["session_id"]
        for text in ("/chat_need advice", "30", "M1 1AE"):  # where they live, then queued
            client.post(f"/api/chat/sessions/{session_id}/messages", json={"text": text})
        sessions.append(session_id)
    now = CHAT_MORNING.astimezone(UTC)
    q = body(app, now)["queues"]["adult_digital_advice"]
    assert (q["offered"], q["waiting"]) == (2, 2)
    client.delete(f"/api/chat/sessions/{sessions[0]}")       # gave up while waiting
    client.post(f"/api/chat/sessions/{sessions[1]}/messages", json={"text": "/chat_callback"})
    figures = body(app, now)
    q = figures["queues"]["adult_digital_advice"]
    assert (q["offered"], q["abandoned"], q["answered"], q["waiting"]) == (2, 1, 0, 0)
    assert q["short_abandoned"] == 1                         # it waited well under 5 s
    assert figures["channels"]["webchat"]["adult_digital_advice"]["abandoned"] == 1
    assert figures["assistant"]["webchat"]["started"] == 2


def test_figures_are_shared_by_every_process_and_survive_a_restart(settings, redis_client):
    first, second = (voice_app(settings, WEEKDAY_MORNING) for _ in range(2))
    young_person_in_queue(first)._queue_ends("bridged", 9)
    young_person_in_queue(second)._queue_ends("bridged", 30)
    del first                                               # one process goes away
    restarted = voice_app(settings, WEEKDAY_MORNING)        # and a new one starts
    q = body(restarted, clock.now())["queues"]["young_people"]
    assert (q["offered"], q["answered"], q["answered_within_threshold"]) == (2, 2, 1)
    assert body(second, clock.now())["queues"]["young_people"] == q
