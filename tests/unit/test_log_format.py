"""JSON log lines with the request id, scrubbed; the id taken, made and passed to the assistant."""

from __future__ import annotations

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from config.log_format import REQUEST_ID, JsonFormatter, PersonalDataFilter, new_request_id
from ivr.rasa_client import RasaClient


def _line(message: str, *args, **extra) -> dict:
    record = logging.LogRecord("ivr.voice", logging.ERROR, "", 0, message, args, None)
    record.__dict__.update(extra)
    PersonalDataFilter().filter(record)
    return json.loads(JsonFormatter("app").format(record))


def test_a_json_line_carries_the_request_id_and_no_phone_number():
    token = REQUEST_ID.set("req-0123456789")
    try:
        line = _line("callback for %s failed", "+44 7700 900123", duration_ms=3.5)
    finally:
        REQUEST_ID.reset(token)
    assert line["request_id"] == "req-0123456789"
    assert line["service"] == "app" and line["level"] == "ERROR" and line["duration_ms"] == 3.5
    assert "7700" not in json.dumps(line) and "[phone]" in line["message"]


def test_outside_a_request_there_is_no_request_id():
    assert "request_id" not in _line("worker round done")


@pytest.mark.parametrize("offered, kept", [("3f2a9c1e-77aa-4e1b", True), ("short", False),
                                           ("bad id with spaces!", False), (None, False),
                                           ("x" * 65, False)])
def test_an_offered_request_id_is_kept_only_when_well_formed(offered, kept):
    made = new_request_id(offered)
    assert (made == offered) is kept
    assert 8 <= len(made) <= 64


def test_every_response_names_its_request_id_and_keeps_the_balancers(client):
    made = client.get("/healthz").headers["X-Request-Id"]
    assert len(made) == 32
    assert client.get("/healthz", headers={"X-Request-Id": "lb-1234567890"}).headers[
        "X-Request-Id"] == "lb-1234567890"
    assert REQUEST_ID.get() is None, "the id does not leak into the next request on this thread"


def test_the_assistant_receives_the_request_id_in_the_message_metadata():
    received = []

    class Rasa(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 - http.server's name
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            body = b'[{"recipient_id": "CA1", "text": "How old are you?"}]'
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Rasa)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    token = REQUEST_ID.set("req-abcdef123456")
    try:
        RasaClient(f"http://127.0.0.1:{server.server_port}").send("CA1", "advice",
                                                                  {"channel": "phone"})
    finally:
        REQUEST_ID.reset(token)
        server.shutdown()
    assert received[0]["metadata"] == {"channel": "phone", "request_id": "req-abcdef123456"}
