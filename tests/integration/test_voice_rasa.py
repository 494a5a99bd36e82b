"""Calls through the real assistant (Rasa with the trained model and its action server).

One call to every destination, the Jobcentre Plus line, warm transfers accepted and not answered,
a withheld number, signatures, and a call that completes on the keypad when the assistant dies
mid-call. The assistant is started by tests.support.rasa (RASA_VENV and RASA_MODEL, or built).
"""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from config.settings import Settings
from models.callbacks import Callback
from tests.support.databases import TEST_REDIS_URL
from tests.support.rasa import rasa_server
from tests.support.twilio import (
    JOBCENTRE_PLUS_LINE,
    NIGHT,
    SATURDAY,
    WEEKDAY_MORNING,
    call_state,
    events,
    heard_text,
    kinds,
    new_call,
    sign,
    voice_app,
)


@pytest.fixture(scope="module")
def assistant(tmp_path_factory):
    """The real assistant with the trained model, shared by this module's calls."""
    with rasa_server(log_dir=tmp_path_factory.mktemp("assistant")) as url:
        yield url


def _settings(database_url: str, rasa_url: str) -> Settings:
    return Settings(app_env="test", database_url=database_url, redis_url=TEST_REDIS_URL,
                    rasa_url=rasa_url, rasa_timeout_seconds=5.0, _env_file=None)


@pytest.fixture
def rasa_settings(sqlite_url, assistant, redis_client):
    return _settings(sqlite_url, assistant)


def _app(settings, at=WEEKDAY_MORNING):
    return voice_app(settings, at)


def _callbacks(app) -> list[Callback]:
    with Session(app.extensions["engine"]) as session:
        return list(session.exec(select(Callback)).all())


def _triaged(app, call) -> dict:
    return dict(events(app, call.call_sid))["triaged"]


def test_information_is_answered_at_once(rasa_settings):  # 001:5.5
    app = _app(rasa_settings)
    call = new_call(app)
    call.start()
    call.say("I want information about apprenticeships")
    heard = call.say("30")
    assert any("apprenticeship" in text.lower() for text in heard)
    assert _triaged(app, call)["action"] == "self_serve"
    # The article it gave is on the timeline, for the adviser to confirm in writing (000:L21).
    assert dict(events(app, call.call_sid))["information_given"] == {
        "articles": ["apprenticeships-and-traineeships"]}
    assert call.waiting.kind == "gather"  # the conversation goes on


def test_young_person_is_queued(rasa_settings):  # 001:5.2
    app = _app(rasa_settings)
    call = new_call(app)
    call.start()
    call.say("I am 16 and I want careers advice")
    assert call.waiting.kind == "queue"
    assert call_state(app, call.call_sid)["plan"]["queue"] == "young_people"
    call.adviser_answers_queue()
    assert kinds(app, call.call_sid)[-2:] == ["answered", "ended"]


def test_complaint_is_queued_for_complaints(rasa_settings):  # 001:32.2
    app = _app(rasa_settings)
    call = new_call(app)
    call.start()
    call.say("I want to make a complaint")
    assert call_state(app, call.call_sid)["plan"]["queue"] == "complaints"


def test_advice_by_phone_is_warm_transferred_and_accepted(rasa_settings):  # 001:5.3, 6.1
    app = _app(rasa_settings)
    call = new_call(app)
    call.start()
    call.say("I want some careers advice")
    call.say("45")
    heard = call.say("M1 1AE")
    assert heard[-1].startswith("I am now putting you through to the North West prime contractor")
    whisper = call.adviser_picks_up()
    assert "aged 45, wants careers advice, lives in the North West area" in whisper[0]
    assert whisper[0].endswith("Press 1 to accept the call.")
    call.adviser_presses("1")
    assert "transferred" in kinds(app, call.call_sid)


def test_warm_transfer_not_answered_is_a_callback(rasa_settings):  # 000:L81
    app = _app(rasa_settings)
    call = new_call(app)
    call.start()
    call.say("I want some careers advice")
    call.say("45")
    call.say("M1 1AE")
    heard = call.adviser_does_not_answer("no-answer")
    assert heard[0].startswith("Sorry, no one at the North West prime contractor")
    call.press("1")
    assert "by 5pm tomorrow" in heard_text(call)
    [callback] = _callbacks(app)
    assert callback.contractor_id == "north-west" and callback.phone == "+441134960123"


def test_face_to_face_at_the_weekend_with_a_withheld_number(rasa_settings):  # 001:5.6
    app = _app(rasa_settings, SATURDAY)
    call = new_call(app, caller="anonymous")
    call.start()
    call.say("I'd like to book a face to face appointment")
    call.say("52")
    heard = call.say("M1 1AE")
    assert heard[-1].startswith("Please enter the UK phone number")
    heard = call.press("01134960456")
    assert "will call you back by 5pm on Monday" in heard[0]
    [callback] = _callbacks(app)
    assert (callback.contractor_id, callback.phone) == ("north-west", "+441134960456")
    assert _triaged(app, call)["destination"] == "prime_contractor_face_to_face"


def test_jobcentre_plus_line_makes_an_18_year_old_an_adult(rasa_settings):  # 000:L107, L131
    app = _app(rasa_settings)
    call = new_call(app, dialled=JOBCENTRE_PLUS_LINE)
    heard = call.start()
    assert "Jobcentre Plus customers" in heard[0]
    call.say("I need careers advice")
    call.say("18")
    call.say("M1 1AE")
    assert _triaged(app, call)["destination"] == "prime_contractor_advice"
    whisper = call.adviser_picks_up()
    assert "is a Jobcentre Plus customer" in whisper[0]


def test_outside_england_is_signposted(rasa_settings):  # 000:L68
    app = _app(rasa_settings)
    call = new_call(app)
    call.start()
    call.say("I live in Wales and I want careers advice")
    if not call.ended:
        call.say("40")
    assert call.ended
    assert "Careers Wales" in heard_text(call)
    assert _triaged(app, call)["destination"] == "outside_england"


def test_safeguarding_goes_straight_to_a_person(rasa_settings):  # 003:L211
    app = _app(rasa_settings)
    call = new_call(app)
    call.start()
    call.say("I feel like hurting myself")
    assert call_state(app, call.call_sid)["plan"]["queue"] == "safeguarding"
    assert "call 999" in heard_text(call)


def test_safeguarding_at_night_gives_the_emergency_numbers(rasa_settings):
    app = _app(rasa_settings, NIGHT)
    call = new_call(app)
    call.start()
    heard = call.say("I feel like hurting myself")
    assert "No adviser can answer just now." in heard
    assert any("Samaritans" in text for text in heard)
    call.press("1")
    [callback] = _callbacks(app)
    assert callback.queue_id == "safeguarding"


def test_zero_reaches_an_adviser_mid_conversation(rasa_settings):
    app = _app(rasa_settings)
    call = new_call(app)
    call.start()
    call.say("I want some careers advice")
    call.press("0")
    assert call.waiting.kind == "queue"


def test_forged_and_unsigned_requests_are_refused(rasa_settings):
    app = _app(rasa_settings)
    url = "http://127.0.0.1:8000/voice/incoming"
    form = {"CallSid": "CA" + "2" * 32, "From": "+441134960123", "To": "+44800100900"}
    client = app.test_client()
    assert client.post("/voice/incoming", data=form).status_code == 403
    forged = {"X-Twilio-Signature": sign("guess", url, form)}
    assert client.post("/voice/incoming", data=form, headers=forged).status_code == 403


def test_assistant_stopped_mid_call_the_call_completes_on_the_keypad(sqlite_url, redis_client,
                                                                    tmp_path):
    with rasa_server(log_dir=tmp_path) as own_assistant:  # stopped when the block ends
        app = _app(_settings(sqlite_url, own_assistant))
        call = new_call(app)
        call.start()
        call.say("I want careers advice")
    heard = call.say("I am 17")  # the assistant died between two turns
    assert heard[0] == "Let's carry on with your keypad."
    assert heard[-1].startswith("Please enter your age")
    call.press("17")  # every need of a young person goes to one team: nothing more is asked
    assert call_state(app, call.call_sid)["plan"]["queue"] == "young_people"
    call.adviser_answers_queue()
    assert call.ended
