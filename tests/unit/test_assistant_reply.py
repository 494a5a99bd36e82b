"""Parsing the assistant's REST messages, and the circuit breaker that protects callers."""

import pytest

from ivr.assistant import Button, parse_reply
from ivr.rasa_client import CircuitBreaker, RasaClient, RasaUnavailable


def test_texts_buttons_and_triage_payload_are_separated():
    reply = parse_reply([
        {"recipient_id": "CA1", "text": "Thanks."},
        {"recipient_id": "CA1", "text": "Which?",
         "buttons": [{"title": "Advice", "payload": "/advice"}]},
        {"recipient_id": "CA1",
         "custom": {"triage": {"decision": {"destination": "adult_information"},
                               "facts": {"age": 30}},
                    "handover": "customer_request"}},
        {"recipient_id": "CA1", "custom": {"handover": True}},
    ])
    assert reply.texts == ["Thanks.", "Which?"]
    assert reply.buttons == [Button("Advice", "/advice")]
    assert reply.triaged and reply.decision["destination"] == "adult_information"
    assert reply.facts == {"age": 30}
    assert reply.custom == [{"handover": True}]
    assert reply.handover == "customer_request"


def test_a_reply_without_triage_is_not_triaged():
    assert not parse_reply([{"text": "How old are you?"}]).triaged


def test_breaker_opens_after_consecutive_failures_and_probes_after_the_wait():
    now = [0.0]
    breaker = CircuitBreaker(failures_to_open=2, open_seconds=10, clock=lambda: now[0])
    breaker.failed()
    assert breaker.allow()
    breaker.failed()
    assert not breaker.allow()
    now[0] = 10.5
    assert breaker.allow()  # one probe
    assert not breaker.allow()
    breaker.succeeded()
    assert breaker.allow() and not breaker.is_open


def test_client_fails_fast_once_open():
    client = RasaClient("http://127.0.0.1:1", timeout=0.2,
                        breaker=CircuitBreaker(failures_to_open=1, open_seconds=60))
    with pytest.raises(RasaUnavailable):
        client.send("CA1", "hello")
    with pytest.raises(RasaUnavailable, match="circuit open"):
        client.send("CA1", "hello")

