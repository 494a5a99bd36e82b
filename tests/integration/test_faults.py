"""Faults in flight, with nothing lost: Rasa killed mid-call, Redis and PostgreSQL restarted
mid-call, the app killed with -9 in the middle of a webhook.

Every server here is private to this module (its own redis-server, its own PostgreSQL cluster
from initdb, its own Rasa): the machine's shared PostgreSQL and Redis are never stopped.
"""

from __future__ import annotations

import json
import threading
import time
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urljoin

import psycopg
import pytest
import redis
import requests
from sqlmodel import Session

from config.settings import DEVELOPMENT_TWILIO_TOKEN
from ivr.voice.simulated_call import CallFailed, SimulatedCall
from models import migrate
from models.contacts import timeline
from models.db import make_engine
from tests.support.clock import OPEN_HOURS_CLOCK, clock_env
from tests.support.cluster import (
    AppServer,
    Assistant,
    PostgresServer,
    RedisServer,
    temporary_directory,
)

PUBLIC = "http://twilio-facing.test"  # what Twilio calls; the transport picks the instance


class HeldRasa:
    """A pass-through to Rasa that can hold the next turn, as a slow network would."""

    def __init__(self, target: str) -> None:
        self.target, self.hold = target, False
        self.arrived, self.release = threading.Event(), threading.Event()
        held = self

        class Handler(BaseHTTPRequestHandler):
            def _relay(self, body: bytes | None) -> None:
                if body is not None and held.hold:
                    held.arrived.set()
                    held.release.wait(30)
                    self.send_response(502)
                    self.end_headers()
                    return
                method = requests.post if body is not None else requests.get
                answer = method(held.target + self.path, data=body, timeout=30,
                                headers={"Content-Type": "application/json"})
                self.send_response(answer.status_code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(answer.content)))
                self.end_headers()
                self.wfile.write(answer.content)

            def do_GET(self):  # noqa: N802 - http.server's names
                self._relay(None)

            def do_POST(self):  # noqa: N802
                self._relay(self.rfile.read(int(self.headers["Content-Length"])))

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    """Private Redis, PostgreSQL and Rasa; two apps (one reaching Rasa through HeldRasa)."""
    logs = tmp_path_factory.mktemp("faults")
    with ExitStack() as stack:
        redis_server = RedisServer(temporary_directory("faults-redis-"))
        redis_server.start()
        stack.callback(redis_server.stop)
        postgres = PostgresServer(temporary_directory("faults-pg-"))
        postgres.start()
        stack.callback(postgres.cleanup)
        with psycopg.connect(postgres.url, autocommit=True) as admin:
            admin.execute("CREATE DATABASE careers")
        database = postgres.url.rsplit("/", 1)[0].replace("postgresql://",
                                                           "postgresql+psycopg://") + "/careers"
        migrate.upgrade(database)
        assistant = Assistant(f"{redis_server.url}/1", logs)
        assistant.start()
        stack.callback(assistant.stop)
        held = HeldRasa(assistant.url)
        stack.callback(held.server.shutdown)
        common = {"APP_ENV": "test", "DATABASE_URL": database, "REDIS_URL": f"{redis_server.url}/0",
                  "RASA_TRACKER_REDIS_URL": f"{redis_server.url}/1", "RASA_TIMEOUT_SECONDS": "8",
                  "PUBLIC_BASE_URL": PUBLIC, "LOG_FORMAT": "json",
                  # Callers are queued, not offered a callback: the centre is open (never the
                  # wall clock, which closes it at 22:00).
                  **clock_env(OPEN_HOURS_CLOCK)}
        apps = {"a": AppServer({**common, "RASA_URL": held.url}, logs / "app-a.log"),
                "b": AppServer({**common, "RASA_URL": assistant.url}, logs / "app-b.log")}
        for app in apps.values():
            app.start()
            stack.callback(app.stop)
        engine = make_engine(database)
        stack.callback(engine.dispose)
        yield {"redis": redis_server, "postgres": postgres, "assistant": assistant,
               "held": held, "apps": apps, "engine": engine, "logs": logs}


class Twilio:
    """Twilio's side of calls: signs for PUBLIC and posts to whichever app instance it is told."""

    def __init__(self, apps: dict[str, AppServer], target: str = "b") -> None:
        self.apps, self.target, self.http = apps, target, requests.Session()
        self.bodies: list[str] = []

    def post(self, url: str, params: dict[str, str], headers: dict[str, str]):
        real = self.apps[self.target].url + url.removeprefix(PUBLIC)
        response = self.http.post(real, data=params, headers=headers, timeout=30)
        self.bodies.append(response.text)
        return response.status_code, response.text

    def call(self) -> SimulatedCall:
        return SimulatedCall(self.post, PUBLIC, DEVELOPMENT_TWILIO_TOKEN)


def _events(system, call_sid: str) -> list:
    with Session(system["engine"]) as session:
        return timeline(session=session, contact_key=call_sid)


def _kinds(system, call_sid: str) -> list[str]:
    return [e.kind for e in _events(system, call_sid)]


def _assert_whole_turns(system, call_sid: str) -> None:
    """Every turn's words and reply were written together, or not at all; no duplicates."""
    events = _events(system, call_sid)
    # Keys pressed are recorded alone (detail "keypad"); words to the assistant with its reply.
    said = [e for e in events if e.kind == "customer_said" and not (e.detail or {}).get("keypad")]
    replies = [e for e in events if e.kind == "assistant_said"]
    assert len(said) == len(replies)
    assert all(a.seq + 1 == b.seq for a, b in zip(said, replies, strict=True))
    assert len({e.event_id for e in events}) == len(events)
    assert [e.seq for e in events] == sorted(e.seq for e in events)


def test_rasa_killed_mid_call_the_call_finishes_on_the_keypad_and_the_next_uses_rasa(system):
    twilio = Twilio(system["apps"])
    call = twilio.call()
    call.start()
    call.say("I want careers advice")
    system["assistant"].kill()
    heard = call.say("I'm 17")
    assert heard[0] == "Let's carry on with your keypad."
    if call.waiting.kind == "gather" and heard[-1].startswith("Please enter your age"):
        heard = call.press("17")
    # A young person goes to the young people's team whatever they need (001:5.2): queued.
    assert call.waiting.kind == "queue"  # young people's queue, reached on the keypad
    call.adviser_answers_queue()
    assert call.ended and _kinds(system, call.call_sid)[-1] == "ended"
    _assert_whole_turns(system, call.call_sid)

    system["assistant"].start()
    time.sleep(16)  # the app's circuit breaker lets a probe through after 15 s
    after = twilio.call()
    after.start()
    heard = after.say("I need some careers advice")
    assert "keypad" not in " ".join(heard)
    assert "assistant_said" in _kinds(system, after.call_sid), "the assistant answered again"
    after.hang_up()


def test_redis_restarted_mid_call_the_call_and_a_chat_carry_on(system):
    twilio = Twilio(system["apps"])
    call = twilio.call()
    call.start()
    call.say("I need some careers advice")
    base = system["apps"]["b"].url
    chat = requests.post(f"{base}/api/chat/sessions", timeout=10).json()["session_id"]
    first = requests.post(f"{base}/api/chat/sessions/{chat}/messages", timeout=20,
                          json={"text": "I'd like some careers advice about changing jobs"})
    assert first.status_code == 200

    system["redis"].restart()  # append-only file: live state survives, connections do not

    call.say("I'm 30")
    heard = call.say("M1 1AE")
    triaged = next(e.detail for e in _events(system, call.call_sid) if e.kind == "triaged")
    assert triaged["destination"] == "prime_contractor_advice" and heard
    call.hang_up()
    assert _kinds(system, call.call_sid)[-1] == "ended"
    _assert_whole_turns(system, call.call_sid)
    requests.post(f"{base}/api/chat/sessions/{chat}/messages", timeout=20,
                  json={"text": "I'm 34"})
    second = requests.post(f"{base}/api/chat/sessions/{chat}/messages", timeout=20,
                           json={"text": "M1 1AE"})  # where they live, before advice (000:L68)
    assert second.status_code == 200, second.text
    assert second.json()["route"]["destination"] == "adult_digital_advice"  # the chat resumed


def test_redis_emptied_mid_call_the_customer_hears_an_apology_and_a_callback_offer(system):
    twilio = Twilio(system["apps"])
    call = twilio.call()
    call.start()
    call.say("I need some careers advice")
    redis.Redis.from_url(system["redis"].url + "/0").flushdb()  # a restart that lost its data
    heard = call.say("I'm 30")
    assert "Sorry, something went wrong on our side." in heard
    assert any("Press 1 for a call back" in line for line in heard)
    assert not call.ended, "the customer is not cut off"


def test_postgres_restarted_mid_call_readyz_names_it_and_nothing_is_half_written(system):
    twilio, app = Twilio(system["apps"]), system["apps"]["b"]
    call = twilio.call()
    call.start()
    call.say("I need some careers advice")
    system["postgres"].stop()
    try:
        ready = requests.get(f"{app.url}/readyz", timeout=10)
        assert ready.status_code == 503
        assert ready.json()["failing"] == ["database"]
        heard = call.say("I'm 30")  # the turn cannot be put on the record
        # An apology and a person, rather than carrying on with nothing written or cutting off.
        assert heard[0] == "Sorry, something went wrong on our side."
        assert "I will put you through to an adviser in the contact centre." in heard
        assert not call.ended and call.waiting.kind == "queue"
        waiting = call.wait_in_queue()  # the queue needs no database: still held, still told
        assert "You are number 1 in the queue." in waiting and call.waiting.kind == "queue"
        # A new call meanwhile goes straight to a person too.
        other = twilio.call()
        assert other.start()[0] == "Sorry, something went wrong on our side."
        assert other.waiting.kind == "queue"
    finally:
        system["postgres"].start()
    deadline = time.monotonic() + 30
    while requests.get(f"{app.url}/readyz", timeout=10).status_code != 200:
        assert time.monotonic() < deadline, "not ready again after the database came back"
        time.sleep(0.5)
    call.adviser_answers_queue()  # a person takes the call once one is free
    assert call.ended
    other.hang_up()
    kinds = _kinds(system, call.call_sid)
    assert kinds[0] == "started" and kinds[-1] == "ended" and "answered" in kinds
    _assert_whole_turns(system, call.call_sid)  # the lost turn is missing whole, not in halves


def test_app_killed_mid_webhook_twilios_retry_gets_one_answer_and_no_duplicate(system):
    apps, held = system["apps"], system["held"]
    twilio = Twilio(apps, target="a")
    call = twilio.call()
    call.start()
    held.hold = True
    failed: list[BaseException] = []

    def webhook() -> None:
        try:
            call.say("I need some careers advice")
        except (requests.RequestException, CallFailed) as error:
            failed.append(error)

    in_flight = threading.Thread(target=webhook)
    in_flight.start()
    try:
        assert held.arrived.wait(20), "the turn reached the assistant's link"
        apps["a"].kill()  # kill -9 while the webhook waits on the assistant
        in_flight.join(timeout=20)
    finally:
        held.hold = False
        held.release.set()
    assert failed, "Twilio saw the first attempt fail"
    # Twilio retries the same request (same URL, parameters and signature) on another instance.
    twilio.target = "b"
    retried = twilio.post(*_same_request(call))
    again = twilio.post(*_same_request(call))
    assert retried[0] == 200 and "<Gather" in retried[1]
    assert again == retried, "a second retry replays the same answer"
    said = [e for e in _events(system, call.call_sid) if e.kind == "customer_said"]
    assert len(said) == 1, "the turn is on the record once"
    _assert_whole_turns(system, call.call_sid)
    tracker = json.loads(redis.Redis.from_url(system["redis"].url + "/1").get(
        f"careers:tracker:{call.call_sid}"))
    assert [e["text"] for e in tracker["events"] if e["event"] == "user"] == [
        "I need some careers advice"], "the assistant heard the turn once"
    apps["a"].start()


def _same_request(call: SimulatedCall) -> tuple[str, dict[str, str], dict[str, str]]:
    """The URL, form and signature Twilio sent for the customer's turn at the current Gather."""
    from twilio.request_validator import RequestValidator

    url = urljoin(PUBLIC + "/", call.waiting.action)
    form = {"CallSid": call.call_sid, "AccountSid": "AC" + "0" * 32, "From": call.caller,
            "To": call.dialled, "Direction": "inbound", "CallStatus": "in-progress",
            "ApiVersion": "2010-04-01", "SpeechResult": "I need some careers advice",
            "Confidence": "0.90"}
    signature = RequestValidator(DEVELOPMENT_TWILIO_TOKEN).compute_signature(url, form)
    return url, form, {"X-Twilio-Signature": signature}
