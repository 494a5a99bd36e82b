"""Click-to-call through the app: signed Twilio webhooks in, TwiML out, outcomes from callbacks.

The REST side is a recording stand-in for TwilioRest (tests/support/recording_twilio.py); every
webhook is posted signed, with Twilio's parameter names, as Twilio posts it.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from sqlmodel import Session

from ivr.voice import click_to_call
from ivr.voice.twilio_rest import TwilioError
from models.contacts import open_contact, timeline
from routing import callback_dials as dials
from routing import callback_live
from routing import callbacks as cb
from tests.support.recording_twilio import FakeTwilio
from tests.support.twilio import BASE_URL, WEEKDAY_MORNING, sign, voice_app

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
CUSTOMER = "+447700900123"
ADVISER = "+441614960000"


@pytest.fixture
def twilio():
    return FakeTwilio()


@pytest.fixture
def app(settings, redis_client, twilio):
    return voice_app(settings, WEEKDAY_MORNING, twilio=twilio, callback_clock=lambda: NOW)


@pytest.fixture
def claimed(app):
    with Session(app.extensions["engine"]) as session:
        open_contact(session=session, key="CA-cold", channel="phone", at=NOW)
        session.commit()
        made = cb.create_callback(session=session, contact_key="CA-cold", due=NOW + timedelta(1),
                                  reason="Phone call: advice", source="cold_transfer",
                                  contractor_id="north-west", phone=CUSTOMER, now=NOW)
        cb.claim_callback(session=session, callback_id=made.id, staff_id="anna", now=NOW)
    return made


def post(app, url, params, *, signed=True):
    headers = {}
    if signed:
        headers["X-Twilio-Signature"] = sign(
            app.config["SETTINGS"].effective_twilio_auth_token, url, params)
    return app.test_client().post(url[len(BASE_URL):], data=params, headers=headers,
                                  base_url=BASE_URL)


def start(app, callback_id, endpoint=ADVISER):
    with app.test_request_context(base_url=BASE_URL):
        return click_to_call.start_call(callback_id=callback_id, staff_id="anna",
                                        endpoint=endpoint)


def attempts(app, callback_id):
    with Session(app.extensions["engine"]) as session:
        found = cb.get_callback(session=session, callback_id=callback_id)
    return [a.outcome for a in found.attempts]


def test_the_advisers_phone_rings_first_from_the_service_number(app, twilio, claimed):
    dial = start(app, claimed.id)
    (request,) = twilio.calls
    assert request["to"] == ADVISER and request["from_"] == "+44800100900"
    assert request["url"] == f"{BASE_URL}/voice/click-to-call/adviser?dial={dial.token}"
    assert request["status_callback"] == \
        f"{BASE_URL}/voice/click-to-call/adviser-status?dial={dial.token}"
    with Session(app.extensions["engine"]) as session:
        stored = dials.latest_dial(session=session, callback_id=claimed.id)
    assert stored.adviser_call_sid == "CA" + "0" * 31 + "1"


def test_the_advisers_leg_dials_the_customer_with_machine_detection(app, claimed):
    dial = start(app, claimed.id)
    response = post(app, f"{BASE_URL}/voice/click-to-call/adviser?dial={dial.token}",
                    {"CallSid": "CA-adv", "CallStatus": "in-progress", "To": ADVISER})
    assert response.status_code == 200 and response.mimetype == "text/xml"
    root = ET.fromstring(response.data)
    dial_el = root.find("Dial")
    assert dial_el.get("callerId") == "+44800100900" and dial_el.get("answerOnBridge") == "true"
    assert urlsplit(dial_el.get("action")).path == "/voice/click-to-call/done"
    number = dial_el.find("Number")
    assert number.text == CUSTOMER
    assert number.get("machineDetection") == "DetectMessageEnd"
    assert number.get("statusCallbackEvent") == "initiated ringing answered completed"
    for attribute, path in (("statusCallback", "customer-status"), ("amdStatusCallback", "amd")):
        url = urlsplit(number.get(attribute))
        assert url.path == f"/voice/click-to-call/{path}"
        assert parse_qs(url.query) == {"dial": [dial.token]}
    assert CUSTOMER not in root.find("Say").text  # the adviser hears the callback id, not a number


def test_a_machine_answering_is_recorded_as_voicemail_from_twilios_callbacks(app, claimed):
    dial = start(app, claimed.id)
    q = f"?dial={dial.token}"
    post(app, f"{BASE_URL}/voice/click-to-call/adviser{q}", {"CallSid": "CA-adv"})
    for status in ("initiated", "ringing", "in-progress"):
        assert post(app, f"{BASE_URL}/voice/click-to-call/customer-status{q}",
                    {"CallSid": "CA-cust", "CallStatus": status}).status_code == 204
    post(app, f"{BASE_URL}/voice/click-to-call/amd{q}",
         {"CallSid": "CA-cust", "AnsweredBy": "machine_end_beep"})
    done = post(app, f"{BASE_URL}/voice/click-to-call/done{q}",
                {"CallSid": "CA-adv", "DialCallStatus": "completed", "DialCallSid": "CA-cust"})
    assert ET.fromstring(done.data).find("Hangup") is not None
    assert attempts(app, claimed.id) == ["voicemail"]
    with Session(app.extensions["engine"]) as session:
        kinds = [e.kind for e in timeline(session=session, contact_key="CA-cold")]
    assert kinds.count("callback_dialled") >= 4 and "callback_attempted" in kinds
    # Live pages hear of each change, by owner, with ids only.
    _, changes = callback_live.read_since(app.extensions["redis"],
                                          "ct:callbacks:events:contractor:north-west", "0-0")
    assert changes and {c["owner"] for c in changes} == {"contractor:north-west"}
    assert all(set(c) == {"id", "callback_id", "owner", "kind", "at"} for c in changes)


def test_customer_busy_counts_once_though_twilio_reports_it_twice(app, claimed):
    dial = start(app, claimed.id)
    q = f"?dial={dial.token}"
    post(app, f"{BASE_URL}/voice/click-to-call/adviser{q}", {"CallSid": "CA-adv"})
    post(app, f"{BASE_URL}/voice/click-to-call/customer-status{q}",
         {"CallSid": "CA-cust", "CallStatus": "busy"})
    for _ in range(2):
        post(app, f"{BASE_URL}/voice/click-to-call/done{q}",
             {"CallSid": "CA-adv", "DialCallStatus": "busy"})
    assert attempts(app, claimed.id) == ["busy"]


def test_the_adviser_not_answering_uses_no_attempt(app, claimed):
    dial = start(app, claimed.id)
    post(app, f"{BASE_URL}/voice/click-to-call/adviser-status?dial={dial.token}",
         {"CallSid": "CA-adv", "CallStatus": "no-answer"})
    assert attempts(app, claimed.id) == []
    with Session(app.extensions["engine"]) as session:
        assert dials.latest_dial(session=session, callback_id=claimed.id).result == \
            "adviser_unavailable"


def test_twilio_refusing_the_call_uses_no_attempt(app, twilio, claimed):
    twilio.refuse = TwilioError(400, 21211, "The 'To' number is not a valid phone number.")
    with pytest.raises(click_to_call.CallNotStarted):
        start(app, claimed.id, endpoint="+4400")
    assert attempts(app, claimed.id) == []
    assert start(app, claimed.id).state == "ringing_adviser"  # and may try again at once


@pytest.mark.parametrize("path", ["adviser", "adviser-status", "customer-status", "amd", "done"])
def test_every_click_to_call_url_checks_the_signature(app, claimed, path):
    dial = start(app, claimed.id)
    url = f"{BASE_URL}/voice/click-to-call/{path}?dial={dial.token}"
    assert post(app, url, {"CallSid": "CA-adv", "CallStatus": "busy"}, signed=False) \
        .status_code == 403
    forged = {"X-Twilio-Signature": sign("wrong", url, {"CallSid": "CA-adv"})}
    assert app.test_client().post(url[len(BASE_URL):], data={"CallSid": "CA-adv"},
                                  headers=forged, base_url=BASE_URL).status_code == 403
    assert attempts(app, claimed.id) == []


def test_an_unknown_or_finished_call_gets_spoken_twiml_never_an_error(app, claimed):
    unknown = post(app, f"{BASE_URL}/voice/click-to-call/adviser?dial=nope", {"CallSid": "X"})
    root = ET.fromstring(unknown.data)
    assert unknown.status_code == 200 and root.find("Say").text and root.find("Hangup") is not None
    assert post(app, f"{BASE_URL}/voice/click-to-call/customer-status?dial=nope",
                {"CallStatus": "busy"}).status_code == 204
    dial = start(app, claimed.id)
    with Session(app.extensions["engine"]) as session:
        cb.cancel(session=session, callback_id=claimed.id, now=NOW)
    gone = post(app, f"{BASE_URL}/voice/click-to-call/adviser?dial={dial.token}",
                {"CallSid": "CA-adv"})
    assert ET.fromstring(gone.data).find("Dial") is None
