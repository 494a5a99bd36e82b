"""The identity step on the phone: signed Twilio webhooks into the app, real Redis and PostgreSQL.

After the routing decision for advice, the caller is asked the four details 000:L61 matches on
(speech, the date of birth also by keypad), then a memorable number by keypad; then the warm or
cold transfer goes ahead. Always spoken TwiML, never silence; safeguarding is never delayed.
"""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from config.settings import Settings
from models.callbacks import Callback
from models.db import make_engine
from models.identity import IdentityCheck
from models.records import Contact, ContactEvent, Customer
from tests.support.databases import TEST_REDIS_URL, truncate_all
from tests.support.twilio import (
    SATURDAY,
    WEEKDAY_MORNING,
    call_state,
    events,
    new_call,
    set_facts,
    voice_app,
)


@pytest.fixture
def settings_pg(postgres_url):
    engine = make_engine(postgres_url)
    truncate_all(engine)
    engine.dispose()
    return Settings(app_env="test", database_url=postgres_url, redis_url=TEST_REDIS_URL,
                    rasa_enabled=False, identity_checks=True, _env_file=None)


@pytest.fixture
def weekday(settings_pg, redis_client):
    return voice_app(settings_pg, WEEKDAY_MORNING)


def _advice_call(app, **call_args):
    """A keypad call for adult advice in Manchester, up to the routing decision."""
    call = new_call(app, **call_args)
    call.start()
    set_facts(app, call.call_sid, postcode="M1 1AE")  # as the assistant would have learnt it
    call.press("45")
    return call, call.press("2")


def _details(call, dob: str = "01021990") -> list[str]:
    call.say("Okafor")
    call.say("Ngozi")
    call.press(dob)
    return call.say("LS1 4AP")


def _checks(app) -> list[str]:
    with Session(app.extensions["engine"]) as db:
        return [c.action for c in db.exec(select(IdentityCheck).order_by(IdentityCheck.id))]


def _customers(app) -> list[Customer]:
    with Session(app.extensions["engine"]) as db:
        return list(db.exec(select(Customer)).all())


def _linked(app, call_sid: str) -> int | None:
    with Session(app.extensions["engine"]) as db:
        return db.exec(select(Contact).where(Contact.key == call_sid)).one().customer_id


def test_after_the_decision_the_caller_is_asked_then_put_through(weekday):
    call, heard = _advice_call(weekday)
    # The route is decided (and in the call's state) before the first question is asked.
    assert call_state(weekday, call.call_sid)["plan"]["action"] == "warm_transfer"
    assert heard[-1] == "What is your surname?" and "say no thanks, or press 2" in heard[-2]
    assert call.waiting.kind == "gather"
    assert "first name" in call.say("Okafor")[-1]
    assert "date of birth" in call.say("Ngozi")[-1]
    assert call.waiting.element.get("numDigits") is None  # eight digits and #, or speech
    assert "postcode" in call.press("01021990")[-1]
    heard = call.say("LS1 4AP")
    assert "choose one now, of 6 to 8 digits" in heard[-1]
    heard = call.press("482193")
    assert any("Please keep that number" in h for h in heard)
    assert call.waiting.kind == "dial"  # the warm transfer goes ahead
    [customer] = _customers(weekday)
    assert _linked(weekday, call.call_sid) == customer.id
    assert customer.date_of_birth.isoformat() == "1990-02-01"
    assert _checks(weekday) == ["created", "secret_set"]
    # The timeline says what happened in the step, never what was said.
    with Session(weekday.extensions["engine"]) as db:
        stored = json.dumps([[e.kind, e.detail, e.text] for e in db.exec(select(ContactEvent))])
    assert "identity" in stored
    for given in ("Okafor", "Ngozi", "1990", "LS1", "482193"):
        assert given not in stored, given


def test_a_returning_caller_keys_their_number_and_is_checked(weekday):
    call, _ = _advice_call(weekday)
    _details(call)
    call.press("482193")
    second, _ = _advice_call(weekday)
    heard = _details(second)
    assert "please key your memorable number" in heard[-1]
    heard = second.press("482193")
    assert any("Please keep that number" in h for h in heard)
    assert second.waiting.kind == "dial"
    assert _checks(weekday)[-2:] == ["matched", "authenticated"]
    assert len(_customers(weekday)) == 1


def test_a_wrong_number_goes_on_unchecked_without_saying_so(weekday):
    call, _ = _advice_call(weekday)
    _details(call)
    call.press("482193")
    second, _ = _advice_call(weekday)
    _details(second)
    heard = second.press("111122")
    assert any("Please keep that number" in h for h in heard)
    assert not any("not right" in h for h in heard)
    assert second.waiting.kind == "dial"
    assert _checks(weekday)[-2:] == ["matched", "refused"]


def test_a_date_of_birth_speech_cannot_give_is_keyed_instead(weekday):
    call, _ = _advice_call(weekday)
    call.say("Okafor")
    call.say("Ngozi")
    heard = call.say("the first of febtober")
    assert "eight digits" in heard[-1] and call.waiting.element.get("numDigits") is None
    assert "postcode" in call.press("01021990")[-1]


def test_speech_dates_and_spoken_postcodes_are_understood(weekday):
    call, _ = _advice_call(weekday)
    call.say("Okafor")
    call.say("Ngozi")
    assert "postcode" in call.say("1st of February 1990")[-1]
    assert "memorable number" in call.say("L S one 4 A P")[-1]


def test_declining_is_polite_and_the_call_goes_on(weekday):
    call, _ = _advice_call(weekday)
    heard = call.press("2")
    assert "That is fine, we will go on without them." in heard
    assert call.waiting.kind == "dial"
    assert _customers(weekday) == [] and _linked(weekday, call.call_sid) is None


def test_silence_twice_goes_on_without_a_record(weekday):
    call, _ = _advice_call(weekday)
    assert "did not catch that" in call.silence()[-1]
    heard = call.silence()
    assert "That is fine, we will go on without your record." in heard
    assert call.waiting.kind == "dial"


def test_safeguarding_in_an_answer_hands_over_at_once(weekday):  # 003:L211
    call, _ = _advice_call(weekday)
    call.say("Okafor")
    call.say("i want to kill myself")
    assert call.waiting.kind == "queue"
    assert call_state(weekday, call.call_sid)["plan"]["queue"] == "safeguarding"
    assert "sealed" not in json.dumps(call_state(weekday, call.call_sid)["identity"])


def test_a_keyed_callback_number_is_never_held_in_redis(settings_pg, redis_client):
    app = voice_app(settings_pg, SATURDAY)
    call, heard = _advice_call(app, caller="anonymous")
    assert "surname" in heard[-1]  # a callback is a route to an adviser: asked first
    heard = call.press("2")
    assert heard[-1].startswith("Please enter the UK phone number")
    call.press("01134960456")
    with Session(app.extensions["engine"]) as db:
        [callback] = db.exec(select(Callback)).all()
    assert callback.phone == "+441134960456"
    redis = app.extensions["redis"]
    for key in redis.scan_iter():
        value = redis.dump(key) or b""
        assert b"4960456" not in value, key
    assert "callback_number" not in call_state(app, call.call_sid)


def test_information_only_is_never_asked(weekday):  # 001:5.5
    call = new_call(weekday)
    call.start()
    call.press("45")
    heard = call.press("1")
    assert not any("surname" in h for h in heard)
    assert dict(events(weekday, call.call_sid)).get("identity") is None


def test_hanging_up_mid_step_drops_what_was_given(weekday):
    call, _ = _advice_call(weekday)
    call.say("Okafor")
    assert "sealed" in json.dumps(call_state(weekday, call.call_sid)["identity"])
    call.hang_up()
    assert "sealed" not in json.dumps(call_state(weekday, call.call_sid)["identity"])
    assert dict(events(weekday, call.call_sid))["abandoned"] == {"where": "identity"}
