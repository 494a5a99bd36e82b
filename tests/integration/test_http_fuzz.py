"""Property-based fuzz of the public HTTP endpoints beyond the chat API (test_chat_fuzz.py):
the website's forms and Twilio's voice webhooks, signed as Twilio signs them, with hostile fields.

Whatever arrives, the answer is never a 5xx; a caller always hears TwiML, never an error page.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.support.twilio import BASE_URL, WEEKDAY_MORNING, sign, voice_app

hostile_text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(["", " ", "0", "-1", "99999999999999999999", "NaN", "null", "[]", "{}",
                     "<Say>x</Say>", "]]>", "' OR 1=1 --", "\x00", "\u202e", "ℌ" * 50,
                     "+44" + "7" * 40, "a" * 5000]),
)
VOICE_PATHS = ["/voice/incoming", "/voice/turn?s=1", "/voice/keypad?s=1", "/voice/keypad?s=2",
               "/voice/identity", "/voice/recover", "/voice/queue/wait", "/voice/queue/choice",
               "/voice/queue/done", "/voice/transfer/whisper", "/voice/transfer/accept",
               "/voice/transfer/joined", "/voice/transfer/done", "/voice/status",
               "/voice/turn?s=" + "9" * 30, "/voice/keypad?s=abc"]
VOICE_FIELDS = ["CallSid", "From", "To", "Digits", "SpeechResult", "Confidence", "CallStatus",
                "QueueResult", "QueueTime", "DialCallStatus", "CallDuration", "AccountSid",
                "Called", "Caller", "StirVerstat"]
call_sids = st.one_of(st.just("CA" + "7" * 32), hostile_text)
voice_forms = st.builds(
    lambda sid, extra: {"CallSid": sid, **extra},
    call_sids, st.dictionaries(st.sampled_from(VOICE_FIELDS), hostile_text, max_size=6))


@pytest.fixture
def voice(settings, redis_client):
    app = voice_app(settings, WEEKDAY_MORNING)
    return app, app.config["SETTINGS"].effective_twilio_auth_token


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(VOICE_PATHS), form=voice_forms, started=st.booleans())
def test_no_signed_webhook_makes_the_phone_fail_or_fall_silent(voice, path, form, started):
    app, token = voice
    client = app.test_client()
    if started:  # the call exists, so later webhooks reach its state
        first = {"CallSid": form["CallSid"], "From": "+441134960123", "To": "+44800100900"}
        client.post("/voice/incoming", data=first, base_url=BASE_URL,
                    headers={"X-Twilio-Signature": sign(token, BASE_URL + "/voice/incoming",
                                                        first)})
    # Werkzeug drops NUL from form values the validator would sign: sign what is sent.
    form = {k: v.replace("\x00", "") for k, v in form.items()}
    response = client.post(path, data=form, base_url=BASE_URL,
                           headers={"X-Twilio-Signature": sign(token, BASE_URL + path, form)})
    body = response.get_data(as_text=True)
    assert response.status_code < 500, (path, response.status_code, body[:300])
    if response.status_code == 200 and path != "/voice/status":
        assert "<Response>" in body, (path, body[:300])


@pytest.fixture
def forms(settings, redis_client):
    from app import create_app
    from tests.support.browser import moving_clock

    return create_app(settings, chat_clock=moving_clock(WEEKDAY_MORNING)).test_client()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | hostile_text,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(
        st.sampled_from(["phone", "window", "start", "end", "about", "x"]), children, max_size=4),
    max_leaves=10,
)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(json_values.map(json.dumps), st.binary(max_size=200)),
       content_type=st.sampled_from(["application/json", "text/plain", ""]))
def test_no_body_makes_the_call_me_api_fail(forms, body, content_type):
    response = forms.post("/api/call-me", data=body, content_type=content_type)
    assert response.status_code < 500, (response.status_code, response.get_data()[:300])
    if response.status_code >= 400:
        assert response.get_json()["error"]


page_fields = st.dictionaries(
    st.sampled_from(["age", "postcode", "need", "message", "email", "website", "phone",
                     "window", "about", "csrf_token"]), hostile_text, max_size=8)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(["/enquiry", "/call-me"]), fields=page_fields)
def test_no_form_post_makes_the_website_fail(forms, path, fields):
    fields = {k: v.replace("\x00", "") for k, v in fields.items()}
    response = forms.post(path, data=fields)
    assert response.status_code < 500, (path, response.status_code,
                                        response.get_data(as_text=True)[:300])
