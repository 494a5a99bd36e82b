"""Written confirmation of callbacks through the emulator, on PostgreSQL and Redis (000:L21).

The app is served over HTTP behind the Twilio emulator: a call-me booking with consent is
confirmed at once by text, with the due time in words; an hour before it is due two worker rounds
racing send exactly one reminder; a STOP reply stops the next; a text with a restricted word is
refused with its reason logged and never its words; the messaging webhooks refuse a bad
signature (403) and say what is wrong with a malformed request (400).
"""

from __future__ import annotations

import logging
import threading
from datetime import timedelta

import pytest
import requests
from sqlmodel import Session, select
from twilio.request_validator import RequestValidator

from ivr.messaging.config import get_messages_config
from ivr.messaging.sender import deliver, remind_due
from models.callbacks import Callback
from models.contacts import timeline
from models.db import make_engine
from models.opt_outs import TextOptOut
from tests.support.browser import moving_clock
from tests.support.databases import truncate_all
from tests.support.emulator import eventually, live_voice_app
from tests.support.twilio import SATURDAY, WEEKDAY_MORNING, set_facts

MOBILE, MOBILE_E164 = "07400 123456", "+447400123456"
# WEEKDAY_MORNING is Monday 2 March 2026, 10:00 in London (GMT): the window is 2pm to 4pm.
START, END = "2026-03-02T14:00:00+00:00", "2026-03-02T16:00:00+00:00"
AN_HOUR_BEFORE = WEEKDAY_MORNING + timedelta(hours=5)  # 15:00, the reminder's time


@pytest.fixture
def pg_engine(postgres_url):
    engine = make_engine(postgres_url)
    truncate_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def live(settings, postgres_url, pg_engine, redis_client):
    on_postgres = settings.model_copy(update={"database_url": postgres_url})
    with live_voice_app(on_postgres, WEEKDAY_MORNING, engine=pg_engine,
                        chat_clock=moving_clock(WEEKDAY_MORNING)) as running:
        yield running


def _book(live, phone=MOBILE, texts=True):
    response = requests.post(f"{live.app_url}/api/call-me", timeout=10, json={
        "phone": phone, "window": {"start": START, "end": END}, "texts": texts})
    assert response.status_code == 201, response.text
    return response.json()["callback_id"]


def _texts(live):
    return requests.get(f"{live.emulator.url}/_emulator/messages", timeout=5).json()["messages"]


def _events(live, callback_id):
    with Session(live.app.extensions["engine"]) as session:
        key = session.get(Callback, callback_id).contact_key
        return [(e.kind, e.detail) for e in timeline(session=session, contact_key=key)]


def _kinds(live, callback_id):
    return [kind for kind, _ in _events(live, callback_id) if kind.startswith(("message", "texts"))]


def _race_reminders(live, at):
    """Two worker rounds at once, as two worker replicas would run them."""
    results, start = [], threading.Barrier(2)

    def round_():
        with live.app.app_context():
            start.wait()
            results.append(remind_due(at))

    threads = [threading.Thread(target=round_) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    return results


def test_a_booking_is_confirmed_by_text_and_reminded_exactly_once(live):
    callback_id = _book(live)
    [text] = eventually(lambda: [m for m in _texts(live) if m["status"] == "delivered"])
    assert text["to"] == MOBILE_E164
    assert "An adviser from the contact centre will call you by 4pm today" in text["body"]
    assert "STOP" in text["body"]
    # The emulator's signed status callbacks reach the timeline: no words, no number.
    eventually(lambda: "message_delivered" in _kinds(live, callback_id))
    assert _kinds(live, callback_id) == ["message_queued", "message_sent", "message_delivered"]
    for _, detail in _events(live, callback_id):
        assert "123456" not in str(detail) and "adviser" not in str(detail)
    queued = dict(_events(live, callback_id))["message_queued"]
    assert queued["sid"] == text["sid"] and queued["purpose"] == "confirmation"

    # Before the reminder's time nothing goes; at an hour before, two racing rounds send one.
    assert _race_reminders(live, AN_HOUR_BEFORE - timedelta(minutes=1)) == [0, 0]
    assert sorted(_race_reminders(live, AN_HOUR_BEFORE)) == [0, 1]
    assert _race_reminders(live, AN_HOUR_BEFORE + timedelta(minutes=5)) == [0, 0]
    reminders = [m for m in _texts(live) if "within the hour" in m["body"]]
    assert len(reminders) == 1 and "by 4pm today" in reminders[0]["body"]
    with Session(live.app.extensions["engine"]) as session:
        stored = session.get(Callback, callback_id)
        assert stored.notify == "sms" and stored.reminded_at == AN_HOUR_BEFORE


def test_without_consent_nothing_is_sent(live):
    callback_id = _book(live, texts=False)
    with live.app.app_context():
        assert remind_due(AN_HOUR_BEFORE) == 0
    assert _texts(live) == [] and _kinds(live, callback_id) == []


def test_a_landline_cannot_have_texts(live):
    response = requests.post(f"{live.app_url}/api/call-me", timeout=10, json={
        "phone": "0113 496 0456", "window": {"start": START, "end": END}, "texts": True})
    assert response.status_code == 400 and "mobile" in response.json()["fields"]["texts"]
    response = requests.post(f"{live.app_url}/api/call-me", timeout=10, json={
        "phone": MOBILE, "window": {"start": START, "end": END}, "texts": "yes"})
    assert response.status_code == 400 and "texts" in response.json()["fields"]


def test_a_stop_reply_stops_the_reminder_and_the_timeline_says_why(live):
    callback_id = _book(live)
    eventually(lambda: _texts(live))
    answer = requests.post(f"{live.emulator.url}/_emulator/messages/inbound", timeout=10,
                           json={"from": MOBILE_E164, "body": "Stop"}).json()
    assert answer["app_status"] == 200 and "<Response>" in answer["app_answer"]
    assert "texts_opted_out" in _kinds(live, callback_id)
    with Session(live.app.extensions["engine"]) as session:
        [row] = session.exec(select(TextOptOut)).all()
    assert "123456" not in row.number_hash and len(row.number_hash) == 64
    with live.app.app_context():
        assert remind_due(AN_HOUR_BEFORE) == 0
    assert len(_texts(live)) == 1  # the confirmation only
    not_sent = [d for k, d in _events(live, callback_id) if k == "message_not_sent"]
    assert not_sent == [{"callback_id": callback_id, "purpose": "reminder", "channel": "sms",
                         "reason": "opted_out"}]


def test_start_after_stop_lets_texts_go_again(live):
    callback_id = _book(live)
    eventually(lambda: _texts(live))
    for word in ("STOP", "start"):
        requests.post(f"{live.emulator.url}/_emulator/messages/inbound", timeout=10,
                      json={"from": MOBILE_E164, "body": word}).raise_for_status()
    assert {"texts_opted_out", "texts_opted_in"} <= set(_kinds(live, callback_id))
    with live.app.app_context():
        assert remind_due(AN_HOUR_BEFORE) == 1


def test_a_text_with_a_restricted_word_is_refused_and_only_the_reason_is_logged(live, caplog):
    callback_id = _book(live, texts=False)
    config = get_messages_config()
    bad = config.model_copy(update={"sms": {**config.sms, "reminder":
                                            "Your adviser from the prison service calls {when}."}})
    live.app.extensions["messages_config"] = bad
    with Session(live.app.extensions["engine"]) as session:
        row = session.get(Callback, callback_id)
        row.notify, row.confirmed_at = "sms", WEEKDAY_MORNING  # as if confirmed at booking
        session.add(row)
        session.commit()
    caplog.set_level(logging.WARNING, logger="ivr.messaging")
    with live.app.app_context():
        assert remind_due(AN_HOUR_BEFORE) == 0
    assert _texts(live) == []
    [(kind, detail)] = [(k, d) for k, d in _events(live, callback_id) if k.startswith("message")]
    assert kind == "message_not_sent" and detail["reason"] == "restricted_word"
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "restricted_word" in logged and "prison" not in logged and "123456" not in logged


def test_a_memorable_number_or_date_of_birth_is_never_texted(live):
    callback_id = _book(live, texts=False)
    with Session(live.app.extensions["engine"]) as session:
        callback = session.get(Callback, callback_id)
        callback.notify = "sms"
        public = Callback.model_validate(callback)
    config = get_messages_config()
    for purpose, body, reason in (
            ("confirmation", "Your memorable number is 4815162", "memorable_number"),
            ("reminder", "Born 02/03/1990 {when}", "date_of_birth")):
        live.app.extensions["messages_config"] = config.model_copy(
            update={"sms": {**config.sms, purpose: body}})
        with live.app.app_context():
            assert deliver(public, purpose, WEEKDAY_MORNING) == "not_sent"
        assert _events(live, callback_id)[-1][1]["reason"] == reason
    assert _texts(live) == []


@pytest.mark.parametrize("path", ["/messaging/inbound", "/messaging/status/1/confirmation"])
def test_a_bad_signature_is_refused(live, path):
    form = {"From": MOBILE_E164, "Body": "STOP", "MessageSid": "SM" + "0" * 32,
            "MessageStatus": "delivered"}
    for headers in ({}, {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}):
        response = requests.post(live.app_url + path, data=form, headers=headers, timeout=5)
        assert response.status_code == 403
    with Session(live.app.extensions["engine"]) as session:
        assert session.exec(select(TextOptOut)).all() == []


@pytest.mark.parametrize(("path", "form", "reason"), [
    ("/messaging/inbound", {"Body": "STOP"}, "From"),
    ("/messaging/inbound", {"From": "07400123456", "Body": "STOP"}, "From"),
    ("/messaging/inbound", {"From": MOBILE_E164}, "Body"),
    ("/messaging/status/1/confirmation", {"MessageStatus": "sent"}, "MessageSid"),
    ("/messaging/status/1/confirmation", {"MessageSid": "SM" + "0" * 32,
                                          "MessageStatus": "lost"}, "MessageStatus"),
    ("/messaging/status/1/greeting", {"MessageSid": "SM" + "0" * 32,
                                      "MessageStatus": "sent"}, "purpose"),
])
def test_a_malformed_signed_request_gets_400_with_its_reason(live, path, form, reason):
    token = live.app.config["SETTINGS"].effective_twilio_auth_token
    signed = RequestValidator(token).compute_signature(live.app_url + path, form)
    response = requests.post(live.app_url + path, data=form, timeout=5,
                             headers={"X-Twilio-Signature": signed})
    assert response.status_code == 400 and reason in response.text


def test_a_mobile_caller_agrees_to_texts_on_the_phone(settings, postgres_url, pg_engine,
                                                      redis_client):
    # Saturday: the North West prime contractor is closed, so advice is a cold transfer (000:L81).
    on_postgres = settings.model_copy(update={"database_url": postgres_url})
    with live_voice_app(on_postgres, SATURDAY, engine=pg_engine) as phone_live:
        call = phone_live.emulator.phone(from_=MOBILE_E164)
        call.settle()
        set_facts(phone_live.app, call.sid, postcode="M1 1AE")
        call.press("45")
        heard = call.press("2")
        assert any("number ending" in text for text in heard)
        heard = call.press("1")  # this number: a mobile, so texts are offered
        assert any("Press 1 for a text" in text for text in heard)
        heard = call.press("7")  # not a choice: asked again
        assert any("Press 1 for a text" in text for text in heard)
        heard = call.press("1")
        assert any("will call you back" in text for text in heard)
        call.wait_for("completed")
        with Session(pg_engine) as session:
            [callback] = session.exec(select(Callback)).all()
        assert callback.notify == "sms" and callback.phone == MOBILE_E164
        # The worker's next round confirms it: not during the call, which has Twilio's deadline.
        with phone_live.app.app_context():
            remind_due(SATURDAY + timedelta(seconds=30))
        [text] = eventually(lambda: _texts(phone_live))
        assert text["to"] == MOBILE_E164 and "North West" in text["body"]


def test_a_landline_caller_is_not_asked_about_texts(settings, postgres_url, pg_engine,
                                                    redis_client):
    on_postgres = settings.model_copy(update={"database_url": postgres_url})
    with live_voice_app(on_postgres, SATURDAY, engine=pg_engine) as phone_live:
        call = phone_live.emulator.phone()  # a landline
        call.settle()
        set_facts(phone_live.app, call.sid, postcode="M1 1AE")
        call.press("45")
        call.press("2")
        heard = call.press("1")
        assert any("will call you back" in text for text in heard)
        with Session(pg_engine) as session:
            [callback] = session.exec(select(Callback)).all()
        assert callback.notify is None


@pytest.mark.parametrize(("answer", "notify"), [("/chat_texts_yes", "sms"),
                                                ("/chat_texts_no", None), ("whatever", None)])
def test_a_webchat_callback_on_a_mobile_asks_about_texts(live, answer, notify):
    # Out of hours at 10pm: the chat offers a callback (000:L19) and, on a mobile, texts.
    late = WEEKDAY_MORNING.replace(hour=22, minute=30)
    live.app.extensions["chat_clock"] = lambda: late
    client = live.app.test_client()
    session_id = client.post("/api/chat/sessions").get_json()["session_id"]
    messages = []
    for text in ("/chat_need advice", "30", "M1 1AA", MOBILE):
        messages = client.post(f"/api/chat/sessions/{session_id}/messages",
                               json={"text": text}).get_json()["messages"]
    assert "text message to confirm" in messages[-1]["text"]
    assert [b["payload"] for b in messages[-1]["buttons"]] == ["/chat_texts_yes",
                                                               "/chat_texts_no"]
    client.post(f"/api/chat/sessions/{session_id}/messages", json={"text": answer})
    with Session(live.app.extensions["engine"]) as session:
        [callback] = session.exec(select(Callback)).all()
    assert callback.notify == notify and callback.phone == MOBILE_E164
    with live.app.app_context():
        remind_due(late + timedelta(minutes=1))
    if notify:
        [text] = eventually(lambda: _texts(live))
        assert text["to"] == MOBILE_E164 and "by 10pm tomorrow" in text["body"]
    else:
        assert _texts(live) == []
