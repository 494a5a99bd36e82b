"""Webhook hygiene: signatures (else 403), proxies, duplicates and out-of-order posts, errors."""

from __future__ import annotations

import dataclasses

import pytest

from config.settings import Settings
from ivr.voice.simulated_call import CallFailed
from tests.support.databases import TEST_REDIS_URL
from tests.support.twilio import (
    WEEKDAY_MORNING,
    call_state,
    heard_text,
    kinds,
    new_call,
    sign,
    voice_app,
)

URL = "http://127.0.0.1:8000/voice/incoming"
FORM = {"CallSid": "CA" + "1" * 32, "From": "+441134960123", "To": "+44800100900"}


@pytest.fixture
def app(settings, redis_client):
    return voice_app(settings, WEEKDAY_MORNING)


def _post(client, url, form, signature=None, **headers):
    if signature:
        headers["X-Twilio-Signature"] = signature
    path = url.split("8000", 1)[-1] if "8000" in url else url
    return client.post(path, data=form, headers=headers)


def test_unsigned_request_is_refused(app):
    response = _post(app.test_client(), URL, FORM)
    assert response.status_code == 403
    assert app.extensions["redis"].keys("ct:call:*") == []


def test_forged_signature_is_refused(app):
    forged = sign("not-the-token", URL, FORM)
    assert _post(app.test_client(), URL, FORM, forged).status_code == 403


def test_signature_over_other_parameters_is_refused(app):
    token = app.config["SETTINGS"].effective_twilio_auth_token
    signature = sign(token, URL, FORM)
    tampered = {**FORM, "To": "+448000924429"}
    assert _post(app.test_client(), URL, tampered, signature).status_code == 403


@pytest.mark.parametrize("path", ["/voice/status", "/voice/turn?s=1", "/voice/keypad?s=1",
                                  "/voice/queue/wait", "/voice/queue/done",
                                  "/voice/transfer/whisper?call=CA1", "/voice/transfer/done",
                                  "/voice/recover"])
def test_every_voice_url_checks_the_signature(app, path):
    assert _post(app.test_client(), "http://127.0.0.1:8000" + path, FORM).status_code == 403


def test_signature_covers_the_query_string(app):
    token = app.config["SETTINGS"].effective_twilio_auth_token
    signed_for = "http://127.0.0.1:8000/voice/keypad?s=1"
    signature = sign(token, signed_for, FORM)
    response = app.test_client().post("/voice/keypad?s=2", data=FORM,
                                      headers={"X-Twilio-Signature": signature})
    assert response.status_code == 403


def test_public_base_url_is_what_is_signed(sqlite_url, redis_client):
    settings = Settings(app_env="test", database_url=sqlite_url, rasa_enabled=False,
                        redis_url=TEST_REDIS_URL, _env_file=None,
                        public_base_url="https://phone.example.org")
    app = voice_app(settings, WEEKDAY_MORNING)
    token = settings.effective_twilio_auth_token
    signature = sign(token, "https://phone.example.org/voice/incoming", FORM)
    assert _post(app.test_client(), "/voice/incoming", FORM, signature).status_code == 200
    # Links in the TwiML point back at the public URL too.
    assert "https://phone.example.org/voice/keypad?s=1" in call_state(app, FORM["CallSid"])[
        "last_twiml"]


def test_forwarded_headers_count_only_from_a_trusted_proxy(sqlite_url, redis_client):
    common = dict(app_env="test", database_url=sqlite_url, rasa_enabled=False,
                  redis_url=TEST_REDIS_URL, _env_file=None)
    public = "https://phone.example.org/voice/incoming"
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "phone.example.org",
               "X-Forwarded-For": "203.0.113.9"}
    behind_proxy = voice_app(Settings(**common, trusted_proxies=1), WEEKDAY_MORNING)
    token = behind_proxy.config["SETTINGS"].effective_twilio_auth_token
    signature = sign(token, public, FORM)
    assert _post(behind_proxy.test_client(), "/voice/incoming", FORM, signature,
                 **headers).status_code == 200
    direct = voice_app(Settings(**common), WEEKDAY_MORNING)
    assert _post(direct.test_client(), "/voice/incoming", FORM, signature,
                 **headers).status_code == 403


def test_with_a_public_url_set_forwarded_headers_cannot_choose_the_signed_url(sqlite_url,
                                                                             redis_client):
    """Behind trusted proxies, a signature made for a host the caller names is still refused."""
    settings = Settings(app_env="test", database_url=sqlite_url, rasa_enabled=False,
                        redis_url=TEST_REDIS_URL, trusted_proxies=2,
                        public_base_url="https://phone.example.org", _env_file=None)
    app = voice_app(settings, WEEKDAY_MORNING)
    token = settings.effective_twilio_auth_token
    elsewhere = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "attacker.example"}
    forged = sign(token, "https://attacker.example/voice/incoming", FORM)
    assert _post(app.test_client(), "/voice/incoming", FORM, forged,
                 **elsewhere).status_code == 403
    genuine = sign(token, "https://phone.example.org/voice/incoming", FORM)
    assert _post(app.test_client(), "/voice/incoming", FORM, genuine,
                 **elsewhere).status_code == 200


def test_a_retried_webhook_is_answered_the_same_and_recorded_once(app):
    call = new_call(app)
    call.start()
    first = call.post("/voice/keypad?s=1", Digits="45")
    again = call.post("/voice/keypad?s=1", Digits="45")
    assert first == again
    assert kinds(app, call.call_sid).count("customer_said") == 1
    assert call_state(app, call.call_sid)["step"] == 2


def test_a_retried_incoming_does_not_restart_the_call(app):
    call = new_call(app)
    call.start()
    call.press("45")
    replay = call.post("/voice/incoming")
    assert "Press 1 for information" in replay
    assert kinds(app, call.call_sid).count("started") == 1


def test_out_of_order_webhooks_are_harmless(app):
    call = new_call(app)
    call.start()
    call.press("45")
    # A stale Enqueue action and Dial action for a call that is in neither.
    assert "Press 1 for information" in call.post("/voice/queue/done", QueueResult="hangup")
    assert "Press 1 for information" in call.post("/voice/transfer/done",
                                                  DialCallStatus="no-answer")
    assert "abandoned" not in kinds(app, call.call_sid)
    call.press("2")  # and the call carries on


def test_status_callbacks_close_the_call_once(app):
    call = new_call(app)
    call.start()
    call.post("/voice/status", CallStatus="ringing")
    call.hang_up()
    call.post("/voice/status", CallStatus="completed")
    assert kinds(app, call.call_sid) == ["started", "abandoned", "ended"]
    assert call_state(app, call.call_sid)["phase"] == "ended"
    assert "<Hangup" in call.post("/voice/keypad?s=1", Digits="45")


def test_unknown_call_gets_an_apology_with_a_way_on(app):
    call = new_call(app)
    body = call.post("/voice/keypad?s=1", Digits="4")
    assert "Sorry, something went wrong on our side." in body
    assert "/voice/recover" in body


def test_an_error_on_our_side_apologises_and_offers_an_adviser(app, monkeypatch):
    call = new_call(app)
    call.start()

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("ivr.voice.keypad.routes.decision_for", broken)
    heard = call.press("45")
    assert heard == ["Sorry, something went wrong on our side.",
                     "Press 1 for a call back from an adviser, or 0 to speak to an adviser now."]
    heard = call.press("0")
    assert "I will put you through to an adviser in the contact centre." in heard


def test_a_broken_database_still_answers_the_call_and_queues_it_for_a_person(app, monkeypatch):
    from models.db import make_engine

    # The timeline's writes go to a database that does not answer: rather than carry on with
    # nothing on the record, the caller hears an apology and waits for a person.
    dead = make_engine("postgresql+psycopg://postgres@127.0.0.1:1/none")
    broken = dataclasses.replace(app.extensions["voice"], engine=dead)
    monkeypatch.setitem(app.extensions, "voice", broken)
    call = new_call(app)
    heard = call.start()
    assert heard[:2] == ["Sorry, something went wrong on our side.",
                         "I will put you through to an adviser in the contact centre."]
    assert call.waiting.kind == "queue" and not call.ended
    assert "You are number 1 in the queue." in heard_text(call)


@pytest.mark.parametrize(("average", "said"), [
    ("10", "The expected wait is less than a minute."),
    ("150", "The expected wait is about 2 minutes."),
])
def test_the_expected_wait_is_said_in_plain_words(app, average, said):
    call = new_call(app)
    call.start()
    call.press("16")
    call.press("2")
    body = call.post(call.waiting.wait_url, QueuePosition="1", QueueTime="5",
                     AvgQueueTime=average, CurrentQueueSize="1")
    assert said in body and "about less than" not in body


def test_no_phone_number_is_kept_in_call_state(app):
    call = new_call(app)
    call.start()
    call.press("16")
    raw = app.extensions["redis"].get(f"ct:call:{call.call_sid}")
    assert "4960123" not in raw


def test_posting_without_a_call_sid_is_spoken_to_not_crashed(app):
    token = app.config["SETTINGS"].effective_twilio_auth_token
    form = {"From": "+441134960123"}
    response = _post(app.test_client(), URL, form, sign(token, URL, form))
    assert response.status_code == 200
    assert "Sorry, something went wrong" in response.get_data(as_text=True)


def test_the_simulator_refuses_an_answer_that_is_not_twiml(app):
    call = new_call(app)
    with pytest.raises(CallFailed):
        call.post("/voice/nowhere")
