"""Shedding load: at a configured limit the service says no at once, never by a timeout."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from app import create_app
from ivr.rasa_client import RasaClient, RasaUnavailable


def test_a_new_chat_beyond_the_limit_gets_503_with_retry_after_and_a_friendly_line(
        settings, redis_client):
    app = create_app(settings.model_copy(update={"chat_max_open": 2,
                                                 "retry_after_seconds": 45}))
    client = app.test_client()
    first = client.post("/api/chat/sessions").get_json()["session_id"]
    assert client.post("/api/chat/sessions").status_code == 201
    refused = client.post("/api/chat/sessions")
    assert refused.status_code == 503
    assert refused.headers["Retry-After"] == "45"
    assert "try again in a few minutes" in refused.get_json()["error"]
    # A chat that ends makes room at once; open chats keep working meanwhile.
    assert client.post(f"/api/chat/sessions/{first}/messages",
                       json={"text": "hello"}).status_code == 200
    assert client.delete(f"/api/chat/sessions/{first}").status_code == 200
    assert client.post("/api/chat/sessions").status_code == 201


def test_chats_idle_past_the_window_no_longer_count(settings, redis_client):
    app = create_app(settings.model_copy(update={"chat_max_open": 1,
                                                 "chat_open_idle_seconds": 1}))
    client = app.test_client()
    assert client.post("/api/chat/sessions").status_code == 201
    assert client.post("/api/chat/sessions").status_code == 503
    time.sleep(1.2)
    assert client.post("/api/chat/sessions").status_code == 201


class _SlowRasa(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - the http.server API
        self.rfile.read(int(self.headers["Content-Length"]))
        time.sleep(0.8)
        body = b'[{"recipient_id": "x", "text": "hello"}]'
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_):
        pass


@pytest.fixture
def slow_rasa():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _SlowRasa)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_beyond_the_assistant_gate_a_turn_fails_at_once_without_opening_the_breaker(slow_rasa):
    client = RasaClient(slow_rasa, timeout=5, max_inflight=1)
    first = threading.Thread(target=client.send, args=("a", "hi"))
    first.start()
    time.sleep(0.2)
    started = time.monotonic()
    with pytest.raises(RasaUnavailable, match="busy"):
        client.send("b", "hi")
    assert time.monotonic() - started < 0.1  # the keypad or buttons take over at once
    first.join()
    assert not client.breaker.is_open
    assert client.send("c", "hi")[0]["text"] == "hello"  # the slot is free again
