"""Fixtures for the emulator tests: an emulator, and a recording app that checks signatures."""

from __future__ import annotations

import threading
import time

import pytest
from flask import Flask, Response, request
from twilio.request_validator import RequestValidator

from tests.support.emulator import free_port, running_emulator, serving

ACCOUNT_SID = "AC" + "1" * 32
TOKEN = "emulator-test-token"


class Recorder:
    """A stand-in app: answers each path with TwiML the test set, records signed requests."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.answers: dict[str, list[str] | str] = {}
        self.bad_signatures = 0
        self.changed = threading.Condition()
        self.url = ""

    def answer(self, path: str, *twiml: str) -> None:
        """Answer `path` with these documents in turn (the last one again after that)."""
        self.answers[path] = list(twiml)

    def params(self, path: str) -> list[dict[str, str]]:
        """The parameters of every request to `path`, in order."""
        return [params for seen, params in self.requests if seen == path]

    def wait_for(self, path: str, count: int = 1, timeout: float = 10.0,
                 **matching: str) -> list[dict[str, str]]:
        """Wait until `count` requests to `path` (with these parameter values) have arrived."""
        deadline = time.monotonic() + timeout

        def found():
            return [p for p in self.params(path)
                    if all(p.get(k) == v for k, v in matching.items())]

        with self.changed:
            while len(found()) < count and time.monotonic() < deadline:
                self.changed.wait(timeout=0.1)
        result = found()
        assert len(result) >= count, f"{path}: {self.requests}"
        return result

    def wsgi(self) -> Flask:
        """The Flask app serving the recorder."""
        app = Flask(__name__)
        validator = RequestValidator(TOKEN)

        @app.route("/<path:path>", methods=["GET", "POST"])
        def any_path(path: str):
            url = self.url + request.full_path.rstrip("?")
            params = request.form.to_dict() if request.method == "POST" else {}
            if not validator.validate(url, request.form if request.method == "POST" else {},
                                      request.headers.get("X-Twilio-Signature", "")):
                self.bad_signatures += 1
                return Response("bad signature", status=403)
            if request.method == "GET":
                params = request.args.to_dict()
            with self.changed:
                self.requests.append(("/" + path, params))
                self.changed.notify_all()
            queue = self.answers.get("/" + path, ["<Response/>"])
            body = queue.pop(0) if len(queue) > 1 else queue[0]
            return Response(body, mimetype="text/xml")

        return app


@pytest.fixture
def recorder():
    """A recording app on a free port."""
    rec = Recorder()
    port = free_port()
    rec.url = f"http://127.0.0.1:{port}"
    with serving(rec.wsgi(), port):
        yield rec
    assert rec.bad_signatures == 0


@pytest.fixture
def emulator(recorder):
    """An emulator whose number rings the recorder's /voice/incoming."""
    with running_emulator(recorder.url, account_sid=ACCOUNT_SID, auth_token=TOKEN) as running:
        yield running
