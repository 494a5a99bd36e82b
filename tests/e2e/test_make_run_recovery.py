"""`make run` keeps the centre up: a killed child is restarted while the others keep serving.

1. The assistant is killed (as a crash would): a phone call completes on the keypad meanwhile,
   and /readyz is green again within 90 s, the launcher having restarted it.
2. The embedded Redis is killed: it is back within seconds, with the callback a customer asked
   for just before and the chat that was open (append-only file), and the phone works again.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from config.settings import DEVELOPMENT_TWILIO_TOKEN
from ivr.voice.simulated_call import SimulatedCall
from tests.support.clock import OPEN_HOURS_CLOCK, clock_env
from tests.support.rasa import assistant_environment

REPO = Path(__file__).resolve().parents[2]
STATUS = REPO / "var" / "run" / "processes.json"
KEYPAD_AGE_PROMPT = "Please enter your age"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _status(url: str, timeout: float = 3) -> int:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


def _wait(url: str, child: subprocess.Popen, seconds: float) -> float:
    """Seconds until `url` answers 200 (fails if make run itself exits or time runs out)."""
    started = time.monotonic()
    while time.monotonic() - started < seconds:
        assert child.poll() is None, "make run exited"
        if _status(url) == 200:
            return time.monotonic() - started
        time.sleep(0.5)
    raise AssertionError(f"{url} not green within {seconds:.0f} s")


def _process(name: str) -> dict:
    return json.loads(STATUS.read_text())["processes"][name]


@contextmanager
def make_run(tmp_path: Path, *args: str, **env: str):
    """scripts/run.py on a free port with its own SQLite file; yields (base URL, child)."""
    port = _free_port()
    environment = {**os.environ, "PORT": str(port), "REDIS_URL": "",
                   "DATABASE_URL": f"sqlite:///{tmp_path / 'run.sqlite3'}", "WEB_WORKERS": "1",
                   "VOICE_WORKERS": "1", **clock_env(OPEN_HOURS_CLOCK), **env}
    child = subprocess.Popen([sys.executable, "scripts/run.py", *args], cwd=REPO,
                             env=environment, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             text=True, start_new_session=True)
    try:
        yield f"http://127.0.0.1:{port}", child
    finally:
        if child.poll() is None:
            os.killpg(child.pid, signal.SIGINT)
            try:
                child.communicate(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(child.pid, signal.SIGKILL)
                child.communicate()


def http_transport(timeout: float = 20.0):
    """Post form-encoded requests over HTTP, as Twilio does (the simulator now goes through
    the emulator, so the test keeps its own direct transport)."""
    import requests

    session = requests.Session()

    def post(url: str, params: dict[str, str], headers: dict[str, str]) -> tuple[int, str]:
        response = session.post(url, data=params, headers=headers, timeout=timeout)
        return response.status_code, response.text

    return post


def _keypad_call(base: str, *, callback: bool = False) -> tuple[SimulatedCall, list[str]]:
    """A customer who keys their age and asks for an adviser (and, if asked, a callback)."""
    call = SimulatedCall(http_transport(timeout=20), base, DEVELOPMENT_TWILIO_TOKEN)
    heard = list(call.start())
    if call.waiting and call.waiting.kind == "gather" and not heard[-1].startswith(
            KEYPAD_AGE_PROMPT):
        heard += call.say("I want to talk about my career")  # the assistant is not there
    heard += call.press("16")  # a young person is queued at once, whatever they need (001:5.2)
    if callback:
        heard += call.wait_in_queue()
        heard += call.press("1")
        heard += call.press("1")
    elif call.waiting and call.waiting.kind == "queue":
        heard += call.wait_in_queue()
        heard += call.adviser_answers_queue()
    call.hang_up()
    return call, heard


def test_the_assistant_is_killed_the_phone_carries_on_by_keypad_and_it_comes_back(tmp_path):
    try:
        venv, model = assistant_environment()
    except Exception as error:  # noqa: BLE001 - the skip names what is missing
        pytest.skip(f"the assistant's environment or model is not available: {error}")
    rasa_port = _free_port()
    with make_run(tmp_path, "--rasa-venv", venv, "--model", model,
                  RASA_URL=f"http://127.0.0.1:{rasa_port}", SANIC_WORKERS="1") as (base, child):
        _wait(f"{base}/readyz", child, 300)
        rasa = _process("rasa")
        os.killpg(rasa["pid"], signal.SIGKILL)
        killed = time.monotonic()
        call, heard = _keypad_call(base)
        assert call.ended
        assert any(line.startswith(KEYPAD_AGE_PROMPT) for line in heard)
        assert any("queue" in line for line in heard), heard
        assert _status(f"{base}/readyz") == 503  # still loading: readiness says so
        assert _status(f"{base}/healthz") == 200  # the app itself never stopped
        while time.monotonic() - killed < 90 and _status(f"{base}/readyz") != 200:
            assert child.poll() is None
            time.sleep(1)
        assert time.monotonic() - killed < 90, "the assistant was not back within 90 s"
        again = _process("rasa")
        assert again["state"] == "running" and again["restarts"] >= 1
        assert again["pid"] != rasa["pid"]
        assert all(_process(name)["restarts"] == 0 for name in ("app", "voice", "redis"))


def test_the_embedded_redis_is_killed_and_comes_back_with_nothing_lost(tmp_path):
    with make_run(tmp_path, RASA_ENABLED="false") as (base, child):
        _wait(f"{base}/readyz", child, 120)
        request = urllib.request.Request(f"{base}/api/chat/sessions", method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:
            session_id = json.load(response)["session_id"]
        call, heard = _keypad_call(base, callback=True)
        assert call.ended and any("call you back" in line for line in heard), heard
        engine = sa.create_engine(f"sqlite:///{tmp_path / 'run.sqlite3'}")
        count = "SELECT count(*) FROM callback"
        with engine.connect() as db:
            before = db.execute(sa.text(count)).scalar()
        assert before == 1
        redis = _process("redis")
        os.killpg(redis["pid"], signal.SIGKILL)
        back = _wait(f"{base}/readyz", child, 60)
        again = _process("redis")
        assert again["state"] == "running" and again["restarts"] >= 1, again
        assert back < 60
        # The chat written just before the kill is still there (Redis' append-only file).
        assert _status(f"{base}/api/chat/sessions/{session_id}/events", 5) == 200
        store = urllib.request.Request(f"{base}/api/chat/sessions/{session_id}/messages",
                                       data=b'{"text": "hello again"}', method="POST",
                                       headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(store, timeout=10) as response:
            assert response.status == 200
        with engine.connect() as db:
            assert db.execute(sa.text(count)).scalar() == before
        call, heard = _keypad_call(base)
        assert call.ended
        assert all(_process(name)["restarts"] == 0 for name in ("app", "voice", "front"))
