"""Voice is never left to queue past Twilio's 15 s: with the assistant slow and the voice pool's
threads all taken, a turn that waited too long goes on by keypad at once.

Real parts: the events front (`python -m live`, which stamps X-Request-Start), the app under
gunicorn with two threads, PostgreSQL, Redis, and the real assistant reached through a link that
takes three seconds per turn (as a starved or distant assistant would).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from contextlib import ExitStack
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from config.settings import DEVELOPMENT_TWILIO_TOKEN
from ivr.voice.simulated_call import SimulatedCall
from tests.support import rasa
from tests.support.clock import OPEN_HOURS_CLOCK, clock_env
from tests.support.cluster import REPO, AppServer, _stop, _wait_port, http_transport
from tests.support.databases import TEST_REDIS_URL, fresh_postgres_database
from tests.support.rasa import free_port

assistant_url = rasa.assistant_url  # the session's real assistant (a fixture)
DELAY_SECONDS = 3.0
ANSWER_WITHIN_SECONDS = 4.0
KEYPAD = "Let's carry on with your keypad."


class SlowLink:
    """A pass-through to the assistant that holds every turn for `delay` seconds."""

    def __init__(self, target: str, delay: float) -> None:
        link = self

        class Handler(BaseHTTPRequestHandler):
            def _relay(self, body: bytes | None) -> None:
                if body is not None:
                    time.sleep(link.delay)
                method = requests.post if body is not None else requests.get
                try:
                    answer = method(target + self.path, data=body, timeout=30,
                                    headers={"Content-Type": "application/json"})
                    status, content = answer.status_code, answer.content
                except requests.RequestException:
                    status, content = 502, b"{}"
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(content)))
                    self.end_headers()
                    self.wfile.write(content)
                except OSError:
                    pass  # the app gave up waiting (its own timeout): nobody to answer

            def do_GET(self):  # noqa: N802 - http.server's names
                self._relay(None)

            def do_POST(self):  # noqa: N802
                self._relay(self.rfile.read(int(self.headers["Content-Length"])))

            def log_message(self, *args):
                pass

        self.delay = delay
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_port}"


@pytest.fixture(scope="module")
def phone(assistant_url, tmp_path_factory):
    """The front on a free port, before a two-thread voice app whose assistant is slow."""
    logs = tmp_path_factory.mktemp("deadline")
    with ExitStack() as stack:
        database = stack.enter_context(fresh_postgres_database())
        link = SlowLink(assistant_url, DELAY_SECONDS)
        stack.callback(link.server.shutdown)
        front_port = free_port()
        front_url = f"http://127.0.0.1:{front_port}"
        app = AppServer({"APP_ENV": "test", "DATABASE_URL": database, "REDIS_URL": TEST_REDIS_URL,
                         "RASA_URL": link.url, "RASA_TIMEOUT_SECONDS": "8",
                         "RASA_TRACKER_REDIS_URL": rasa.DEFAULT_REDIS_URL,
                         "ASSISTANT_MAX_INFLIGHT": "0", "WEB_THREADS": "2",
                         "VOICE_ANSWER_WITHIN_SECONDS": str(ANSWER_WITHIN_SECONDS),
                         "TRUSTED_PROXIES": "1", "PUBLIC_BASE_URL": front_url,
                         # Open hours, so a caller's turn goes to the assistant at all.
                         **clock_env(OPEN_HOURS_CLOCK)},
                        logs / "app.log")
        app.start()
        stack.callback(app.stop)
        env = {"PATH": os.environ["PATH"], "PYTHONPATH": str(REPO), "PORT": str(front_port),
               "APP_ENV": "test", "REDIS_URL": TEST_REDIS_URL, "FRONT_WEB_URL": app.url,
               "FRONT_VOICE_URL": app.url}
        with open(logs / "front.log", "ab") as out:
            front = subprocess.Popen([sys.executable, "-m", "live"], cwd=REPO, env=env,
                                     stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        stack.callback(_stop, front)
        _wait_port(front_port, front, 30, "the events front")
        yield front_url


def test_turns_queued_behind_a_slow_assistant_go_on_by_keypad_within_the_time(phone):
    calls = [SimulatedCall(http_transport(), phone, DEVELOPMENT_TWILIO_TOKEN) for _ in range(6)]
    for call in calls:
        call.start()
    answers: dict[int, tuple[float, list[str]]] = {}

    def turn(n: int) -> None:
        sent = time.monotonic()
        heard = calls[n].say("I need some careers advice")
        answers[n] = (time.monotonic() - sent, heard)

    threads = [threading.Thread(target=turn, args=(n,)) for n in range(len(calls))]
    for thread in threads:
        thread.start()
        time.sleep(0.05)  # in this order, so the first two take the app's two threads
    for thread in threads:
        thread.join(timeout=30)
    assert len(answers) == len(calls), "every caller was answered"
    # Without the budget the last two would wait for three slow turns each (about 9 s).
    slowest = max(seconds for seconds, _ in answers.values())
    assert slowest < ANSWER_WITHIN_SECONDS + 1.5, answers
    by_keypad = [n for n, (_, heard) in answers.items() if heard and heard[0] == KEYPAD]
    assert len(by_keypad) >= 3, answers  # those that queued went on by keypad
    assert {0, 1}.isdisjoint(by_keypad), ("the first two had time for the assistant", answers)
    for n in by_keypad:
        call = calls[n]
        assert not call.ended and call.waiting.kind == "gather", "a keypad question, not silence"
    # The keypad path carries on as usual: an adult's age, keyed.
    heard = calls[by_keypad[0]].press("30")
    assert heard and not calls[by_keypad[0]].ended
    for call in calls:
        call.hang_up()


def test_a_turn_with_time_to_spare_still_gets_the_assistant(phone):
    call = SimulatedCall(http_transport(), phone, DEVELOPMENT_TWILIO_TOKEN)
    call.start()
    heard = call.say("I need some careers advice")
    assert heard and heard[0] != KEYPAD
    call.hang_up()
