"""Two app processes behind HAProxy, two Rasa servers (each with its action server) sharing the
Redis tracker and lock stores: a call and a chat whose requests alternate between instances
complete as if one process had served them, and the request id of each turn reaches the action
server that ran it (JSON logs). And one adviser with two app instances dispatching at once, each
behind the same HAProxy and the Twilio emulator: the adviser is rung for one caller at a time."""

from __future__ import annotations

import json
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import pytest
import redis
import requests
from sqlmodel import Session

from app import create_app
from config.settings import DEVELOPMENT_TWILIO_TOKEN
from ivr.voice.simulated_call import SimulatedCall
from models.contacts import timeline
from models.db import make_engine
from tests.support.browser import WEEKDAY_MORNING
from tests.support.cluster import AppServer, HAProxy
from tests.support.console import api_headers, signed_in
from tests.support.databases import TEST_REDIS_URL, fresh_postgres_database, truncate_all
from tests.support.emulator import free_port, running_emulator
from tests.support.rasa import DEFAULT_REDIS_URL, rasa_server


def start_assistants(stack: ExitStack, directory: Path, count: int) -> list[str]:
    """`count` assistants started side by side (each loads the model), stopped with `stack`."""
    urls: list[str] = []
    errors: list[BaseException] = []
    ready, done = threading.Barrier(count + 1), threading.Event()

    def serve(n: int) -> None:
        try:
            with rasa_server(log_dir=directory / f"rasa{n}", env={"LOG_FORMAT": "json"}) as url:
                urls.append(url)
                ready.wait()
                done.wait()
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
            ready.abort()

    threads = [threading.Thread(target=serve, args=(n,), daemon=True) for n in range(1, count + 1)]
    for n, thread in enumerate(threads, start=1):
        (directory / f"rasa{n}").mkdir()
        thread.start()
    try:
        ready.wait(timeout=300)
    except threading.BrokenBarrierError:
        raise RuntimeError(f"an assistant did not start: {errors}") from None

    def stop() -> None:
        done.set()
        for thread in threads:
            thread.join(timeout=60)

    stack.callback(stop)
    return urls


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    directory = tmp_path_factory.mktemp("cluster")
    with ExitStack() as stack:
        database = stack.enter_context(fresh_postgres_database())
        assistants = start_assistants(stack, directory, 2)
        apps = [AppServer({}, directory / f"app{n}.log") for n in (1, 2)]
        proxy = HAProxy(directory, {"app": [a.url for a in apps], "rasa": assistants})
        proxy.start()
        stack.callback(proxy.stop)
        for app in apps:
            app.env.update(APP_ENV="test", DATABASE_URL=database, REDIS_URL=TEST_REDIS_URL,
                           RASA_URL=proxy.url("rasa"), RASA_TIMEOUT_SECONDS="10",
                           RASA_TRACKER_REDIS_URL=DEFAULT_REDIS_URL,
                           PUBLIC_BASE_URL=proxy.url("app"), LOG_FORMAT="json")
            app.start()
            stack.callback(app.stop)
        yield {"directory": directory, "base": proxy.url("app"), "database": database,
               "apps": apps}


def _json_lines(path: Path) -> list[dict]:
    lines = []
    for raw in path.read_text().splitlines():
        if raw.startswith("{"):
            try:
                lines.append(json.loads(raw))
            except ValueError:
                continue
    return lines


def _request_ids_seen_by_actions(directory: Path, n: int) -> set[str]:
    return {line["request_id"] for line in _json_lines(directory / f"rasa{n}" / "actions.log")
            if line.get("request_id")}


def _paths_served(app: AppServer, prefix: str) -> list[str]:
    return [line["path"] for line in _json_lines(app.log)
            if line.get("logger") == "access" and line.get("path", "").startswith(prefix)]


def recording_transport(request_ids: list[str]):
    http = requests.Session()

    def post(url: str, params: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        response = http.post(url, data=params, headers=headers, timeout=20)
        request_ids.append(response.headers.get("X-Request-Id", ""))
        return response.status_code, response.text

    return post


def test_a_call_alternating_between_apps_and_assistants_completes(cluster, redis_client):
    request_ids: list[str] = []
    call = SimulatedCall(recording_transport(request_ids), cluster["base"],
                         DEVELOPMENT_TWILIO_TOKEN)
    call.start()
    call.say("I need some careers advice")
    call.say("I'm 30")
    call.say("M1 1AE")
    call.hang_up()
    assert call.ended and call.last_status == 204  # the status callback
    engine = make_engine(cluster["database"])
    with Session(engine) as session:
        events = timeline(session=session, contact_key=call.call_sid)
    engine.dispose()
    kinds = [e.kind for e in events]
    assert kinds[0] == "started" and kinds[-1] == "ended"
    assert kinds.count("customer_said") == 3 and kinds.count("assistant_said") == 3
    # The three turns were understood as one conversation: the decision needed all three.
    triaged = next(e.detail for e in events if e.kind == "triaged")
    assert triaged["destination"] == "prime_contractor_advice", triaged
    assert triaged["contractor"] == "north-west"
    assert [e.seq for e in events] == sorted({e.seq for e in events})
    for app in cluster["apps"]:  # round robin: each app served part of the call
        assert _paths_served(app, "/voice/"), app.log.read_text()[-2000:]
    seen = [_request_ids_seen_by_actions(cluster["directory"], n) & set(request_ids)
            for n in (1, 2)]
    assert all(seen), "each assistant ran the actions of some of the call's turns"
    # The shared conversation is deleted from the assistants' store once the call ends.
    trackers = redis.Redis.from_url(DEFAULT_REDIS_URL)
    assert trackers.get(f"careers:tracker:{call.call_sid}") is None


def test_a_chat_alternating_between_apps_and_assistants_is_triaged(cluster, redis_client):
    http, base = requests.Session(), cluster["base"]
    created = http.post(f"{base}/api/chat/sessions", timeout=10)
    assert created.status_code == 201
    session_id = created.json()["session_id"]
    answers = []
    for text in ("I'd like some careers advice about changing jobs", "I'm 34", "M1 1AE"):
        response = http.post(f"{base}/api/chat/sessions/{session_id}/messages",
                             json={"text": text}, timeout=20)
        assert response.status_code == 200, response.text
        answers.append(response.json())
    assert answers[-1]["route"]["destination"] == "adult_digital_advice"  # 001:5.3
    for app in cluster["apps"]:
        assert _paths_served(app, "/api/chat/sessions"), app.log.read_text()[-2000:]
        assert session_id not in app.log.read_text(), "the session id is never logged"


@pytest.fixture
def two_instances(settings, postgres_url, redis_client, tmp_path, monkeypatch):
    """Two app processes (gunicorn) on one PostgreSQL and Redis behind HAProxy, the emulator
    before them, and the console's adviser on a third instance in this process; all on one
    development clock set to a weekday morning (the centre is open)."""
    engine = make_engine(postgres_url)
    truncate_all(engine)
    engine.dispose()
    emulator_port = free_port()
    emulator_url = f"http://127.0.0.1:{emulator_port}"
    timeline = {"CLOCK_START": WEEKDAY_MORNING.isoformat(),
                "CLOCK_STARTED_AT": f"{time.time():.3f}"}
    for name, value in timeline.items():
        monkeypatch.setenv(name, value)
    apps = [AppServer({"APP_ENV": "test", "DATABASE_URL": postgres_url, "REDIS_URL": TEST_REDIS_URL,
                       "RASA_ENABLED": "false", "TWILIO_API_BASE_URL": emulator_url,
                       "LOG_FORMAT": "json", **timeline},
                      tmp_path / f"app{n}.log") for n in (1, 2)]
    proxy = HAProxy(tmp_path, {"app": [app.url for app in apps]})
    console = settings.model_copy(update={"database_url": postgres_url,
                                          "clock_start": WEEKDAY_MORNING,
                                          "twilio_api_base_url": emulator_url,
                                          "public_base_url": proxy.url("app")})
    with ExitStack() as stack:
        proxy.start()
        stack.callback(proxy.stop)
        for app in apps:
            app.env["PUBLIC_BASE_URL"] = proxy.url("app")
            app.start()
            stack.callback(app.stop)
        emulator = stack.enter_context(running_emulator(
            proxy.url("app"), account_sid=console.effective_twilio_account_sid,
            auth_token=console.effective_twilio_auth_token, port=emulator_port))
        yield create_app(console), emulator, apps


def _eventually(check, timeout: float = 20.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := check():
            return value
        time.sleep(0.1)
    raise AssertionError("not in time")


def test_one_adviser_two_instances_two_callers_the_adviser_is_rung_once_at_a_time(
        two_instances):
    console, emulator, apps = two_instances
    sam, _ = signed_in(console, "sam", "adviser", queues=["young_people"], endpoint="client:sam")
    assert sam.get("/console/desk").status_code == 200
    headers = api_headers(sam)
    assert sam.post("/console/api/presence", json={"mode": "available"},
                    headers=headers).status_code == 200
    callers = [emulator.phone(), emulator.phone()]
    for caller in callers:
        caller.settle()
    # Both young people key their age at the same moment; their webhooks, and the dispatch
    # after each, run on both instances (HAProxy's round robin).
    pressing = [threading.Thread(target=caller.press, args=("16",)) for caller in callers]
    for thread in pressing:
        thread.start()
    for thread in pressing:
        thread.join(timeout=30)
    _eventually(lambda: all(caller.info()["queue_sid"] for caller in callers))
    ringing = emulator.ringing("client:sam")
    time.sleep(3)  # further dispatch rounds on both instances (queue waits, a second apart)
    assert len(emulator.calls(to="client:sam")) == 1, "one adviser, one call ringing"
    desk = sam.get("/console/api/desk").get_json()
    assert len(desk["contacts"]) == 1
    first = next(c for c in callers if c.sid == desk["contacts"][0]["member"])
    second = next(c for c in callers if c is not first)
    ringing.answer()
    ringing.press("1")
    first.wait_for("conference")
    assert second.info()["queue_sid"] and not second.info().get("conference")
    assert len(emulator.calls(to="client:sam")) == 1, "still one: the adviser is busy"
    first.hang_up()
    _eventually(lambda: sam.get("/console/api/desk").get_json()["wrap_ups"])
    assert sam.post(f"/console/api/contacts/{first.sid}/wrap-up", headers=headers,
                    json={"outcome": "advice_given"}).status_code == 200
    # Free again: rung for the caller still waiting, once.
    emulator.ringing("client:sam", exclude=(ringing.sid,))
    time.sleep(2)
    assert len(emulator.calls(to="client:sam")) == 2
    assert sam.get("/console/api/desk").get_json()["contacts"][0]["member"] == second.sid
    second.hang_up()
    for app in apps:  # both instances served the calls' webhooks
        assert _paths_served(app, "/voice/"), app.log.read_text()[-2000:]
