"""No phantom contacts: the reconcile round against real Redis, the database and the emulator.

A caller hangs up while the app cannot hear about it (the emulator loses that leg's webhooks), so
only Twilio's call status says the call has ended; a chat customer closes the page and is never
seen again. The round must end exactly those, once, however many reconcilers race.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import requests
from sqlmodel import Session

from app import create_app
from config.settings import Settings
from engine.dispatch import dispatch
from engine.reconcile import reconcile
from ivr.chat.config import load_chat_config
from ivr.chat.store import ChatStore
from models.contacts import timeline
from tests.support.browser import WEEKDAY_MORNING
from tests.support.clock import clock_env
from tests.support.console import api_headers, signed_in
from tests.support.databases import TEST_REDIS_URL
from tests.support.emulator import eventually, live_voice_app, queued_young_person
from tests.support.twilio import sign

GONE_AFTER = 900  # CHAT_CUSTOMER_GONE_SECONDS's default


class ShiftedClock:
    """Runs at real speed from `start`, and jumps forward when told (the round's set clock)."""

    def __init__(self, start: datetime) -> None:
        self.start, self.began, self.shift = start, time.monotonic(), 0.0

    def advance(self, seconds: float) -> None:
        self.shift += seconds

    def __call__(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.began + self.shift)


@pytest.fixture
def clock():
    return ShiftedClock(WEEKDAY_MORNING)


CHAT_CONFIG = {"stream_seconds": 0.2, "poll_milliseconds": 50}


@pytest.fixture
def live(settings, redis_client, clock):
    config = load_chat_config().model_copy(update=CHAT_CONFIG)
    with live_voice_app(settings, voice_clock=clock, chat_clock=clock,
                        chat_config=config) as live:
        yield live


@pytest.fixture
def chat_app(settings, redis_client, clock):
    """The app alone, its chats and figures on the round's set clock."""
    return create_app(settings, chat_clock=clock, figures_clock=clock,
                      chat_config=load_chat_config().model_copy(update=CHAT_CONFIG))


def kinds(app, key: str) -> list[str]:
    with Session(app.extensions["engine"]) as db:
        return [event.kind for event in timeline(session=db, contact_key=key)]


def reconciled(app):
    with app.app_context():
        return reconcile()


def adviser(app, name: str, queues: list[str]):
    client, _ = signed_in(app, name, "adviser", queues=queues, endpoint=f"client:{name}")
    assert client.get("/console/desk").status_code == 200
    client.headers = api_headers(client)
    answer = client.post("/console/api/presence", json={"mode": "available"},
                         headers=client.headers)
    assert answer.status_code == 200
    return client


def desk(client) -> dict:
    return client.get("/console/api/desk").get_json()


def queue_figures(app, queue: str = "young_people") -> dict:
    if "test_supervisor" not in app.extensions:
        app.extensions["test_supervisor"] = signed_in(app, "sue", "supervisor")[0]
    dashboard = app.extensions["test_supervisor"].get("/console/api/dashboard").get_json()
    return dashboard["queues"][queue]


def queued_chat(app, age: str = "30") -> str:
    client = app.test_client()
    session_id = client.post("/api/chat/sessions").get_json()["session_id"]
    for text in ("/chat_need advice", age, "M1 1AA"):
        assert client.post(f"/api/chat/sessions/{session_id}/messages",
                           json={"text": text}).status_code == 200
    assert app.extensions["redis"].zscore("ct:queue:adult_digital_advice", session_id)
    return session_id


def chat_key(app, session_id: str) -> str:
    return ChatStore(app.extensions["redis"], ttl_seconds=60, max_lines=9).load(
        session_id).contact_key


def hung_up_unheard(live):
    """A young person waits in the queue, then hangs up while the app hears nothing of it."""
    caller = queued_young_person(live)
    caller.lose_webhooks()
    caller.hang_up()
    assert live.emulator.rest().fetch_call(caller.sid)["status"] == "completed"
    return caller


def test_a_queued_caller_gone_unheard_is_removed_and_never_offered(live):
    redis = live.app.extensions["redis"]
    caller = hung_up_unheard(live)
    assert redis.zscore("ct:queue:young_people", caller.sid)  # the phantom still waits
    assert eventually(lambda: queue_figures(live.app)["waiting"] == 1)
    done = reconciled(live.app)
    assert (done.calls, done.held, done.chats) == (1, 0, 0)
    assert redis.zscore("ct:queue:young_people", caller.sid) is None
    events = kinds(live.app, caller.sid)
    assert events.count("left_queue") == 1 and events.count("abandoned") == 1
    assert events[-1] == "ended"
    # An adviser who comes free now is offered nothing: nobody is rung.
    sam = adviser(live.app, "sam", ["young_people"])
    with live.app.app_context():
        assert dispatch() == []
    assert desk(sam)["presence"]["status"] == "available" and not desk(sam)["contacts"]
    assert not live.emulator.calls(to="client:sam")
    # The hang-up counts once as abandoned, even when its status callback arrives late.
    url = f"{live.app_url}/voice/status"
    params = {"CallSid": caller.sid, "CallStatus": "completed", "CallDuration": "40"}
    token = live.app.config["SETTINGS"].effective_twilio_auth_token
    late = requests.post(url, data=params, headers={"X-Twilio-Signature": sign(token, url,
                                                                              params)},
                         timeout=10)
    assert late.status_code == 204
    figures = queue_figures(live.app)
    assert (figures["offered"], figures["abandoned"], figures["waiting"]) == (1, 1, 0)
    assert kinds(live.app, caller.sid).count("abandoned") == 1
    assert reconciled(live.app).total == 0  # nothing left to do


def test_a_live_queued_call_is_untouched(live):
    redis = live.app.extensions["redis"]
    caller = queued_young_person(live)
    assert reconciled(live.app).total == 0
    assert redis.zscore("ct:queue:young_people", caller.sid)
    assert "left_queue" not in kinds(live.app, caller.sid)
    assert caller.info()["queue_sid"] and caller.status == "in-progress"
    caller.hang_up()


def test_a_busy_adviser_on_a_call_that_ended_unheard_goes_into_wrap_up(live):
    sam = adviser(live.app, "sam", ["young_people"])
    caller = queued_young_person(live)
    ringing = live.emulator.ringing("client:sam")
    ringing.answer()
    ringing.press("1")
    caller.wait_for("conference")
    assert eventually(lambda: desk(sam)["presence"]["status"] == "busy")
    # Neither leg's end reaches the app: the adviser would stay Busy for ever.
    caller.lose_webhooks()
    ringing.lose_webhooks()
    caller.hang_up()
    ringing.wait_for("completed")
    time.sleep(0.5)
    assert desk(sam)["presence"]["status"] == "busy"
    done = reconciled(live.app)
    assert (done.calls, done.held) == (0, 1)
    state = desk(sam)
    assert state["presence"]["status"] == "wrap_up"
    assert [(w["member"], w["channel"]) for w in state["wrap_ups"]] == [(caller.sid, "call")]
    events = kinds(live.app, caller.sid)
    assert "answered" in events and "abandoned" not in events and events[-1] == "ended"


def test_an_adviser_rung_for_a_call_that_ended_unheard_is_freed_and_stops_ringing(live):
    sam = adviser(live.app, "sam", ["young_people"])
    caller = queued_young_person(live)
    ringing = live.emulator.ringing("client:sam")
    assert eventually(lambda: desk(sam)["presence"]["status"] == "busy")
    caller.lose_webhooks()
    caller.hang_up()
    done = reconciled(live.app)
    assert (done.calls, done.held) == (0, 1)
    ringing.wait_for("canceled")
    time.sleep(0.5)  # the cancelled leg's status callback has been and gone
    state = desk(sam)
    assert state["presence"]["status"] == "available" and not state["wrap_ups"]
    events = kinds(live.app, caller.sid)
    assert events.count("abandoned") == 1 and events[-1] == "ended"


def test_a_chat_whose_customer_vanished_is_ended_after_the_timeout_and_an_active_one_kept(
        chat_app, clock):
    app, redis = chat_app, chat_app.extensions["redis"]
    gone, here = queued_chat(app), queued_chat(app)
    clock.advance(GONE_AFTER - 60)
    assert reconciled(app).chats == 0  # not yet: nobody is gone before the timeout
    # The customer still here reconnects their stream as each one ends; the other never does.
    app.test_client().get(f"/api/chat/sessions/{here}/events").close()
    clock.advance(120)
    done = reconciled(app)
    assert done.chats == 1
    assert redis.zscore("ct:queue:adult_digital_advice", gone) is None
    assert redis.zscore("ct:queue:adult_digital_advice", here)
    events = kinds(app, chat_key(app, gone))
    assert events.count("left_queue") == 1 and "abandoned" in events and events[-1] == "ended"
    assert "left_queue" not in kinds(app, chat_key(app, here))
    figures = queue_figures(app, "adult_digital_advice")
    assert (figures["offered"], figures["abandoned"], figures["waiting"]) == (2, 1, 1)
    # If they come back they are told plainly, and may start again.
    lines = ChatStore(redis, ttl_seconds=60, max_lines=99).transcript(gone)
    assert "we had not heard from you for a while" in lines[-1]["text"]
    client = app.test_client()
    answer = client.post(f"/api/chat/sessions/{gone}/messages", json={"text": "hello?"})
    assert "Start a new chat" in answer.get_json()["messages"][0]["text"]
    assert client.post("/api/chat/sessions").status_code == 201
    clock.advance(GONE_AFTER + 1)  # now the other customer is gone too
    assert reconciled(app).chats == 1


def test_two_reconcilers_racing_end_each_contact_once(live, clock):
    app = live.app
    caller = hung_up_unheard(live)
    session_id = queued_chat(app)
    clock.advance(GONE_AFTER + 1)
    start, results = threading.Barrier(2), []

    def reconciler():
        start.wait()
        results.append(reconciled(app))

    threads = [threading.Thread(target=reconciler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(r.calls for r in results) == 1 and sum(r.chats for r in results) == 1
    assert kinds(app, caller.sid).count("left_queue") == 1
    assert kinds(app, caller.sid).count("abandoned") == 1
    assert kinds(app, chat_key(app, session_id)).count("left_queue") == 1
    assert kinds(app, chat_key(app, session_id)).count("ended") == 1


def test_the_worker_process_runs_the_reconcile_round(postgres_url, redis_client, tmp_path):
    settings = Settings(app_env="test", database_url=postgres_url, redis_url=TEST_REDIS_URL,
                        rasa_enabled=False, _env_file=None)
    app = create_app(settings, chat_clock=lambda: WEEKDAY_MORNING)
    session_id = queued_chat(app)
    later = (WEEKDAY_MORNING + timedelta(seconds=GONE_AFTER + 60)).isoformat()
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": postgres_url, "REDIS_URL": TEST_REDIS_URL,
           "RASA_ENABLED": "false", "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
           **clock_env(later)}
    done = subprocess.run([sys.executable, "-m", "app.worker", "--once"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert redis_client.zscore("ct:queue:adult_digital_advice", session_id) is None
    assert "left_queue" in kinds(app, chat_key(app, session_id))
