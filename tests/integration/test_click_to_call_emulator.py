"""Click-to-call through the Twilio emulator: the app served over HTTP, the emulator ringing the
adviser's endpoint and then the customer's number, every outcome from the emulator's own signed
callbacks (AnsweredBy, CallStatus, DialCallStatus), the adviser working the console."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session

from models.contacts import open_contact, timeline
from routing import callback_dials as dials
from routing import callbacks as cb
from tests.support.console import csrf_token, signed_in
from tests.support.emulator import live_voice_app

NOW = datetime(2026, 3, 9, 9, 30, tzinfo=UTC)
ADVISER, CUSTOMER = "+441614960002", "+447700900123"


@pytest.fixture
def live(settings, redis_client):
    with live_voice_app(settings, NOW, callback_clock=lambda: NOW) as running:
        yield running


@pytest.fixture
def worked(live):
    """A north-west callback opened (claimed) by a signed-in contractor adviser."""
    app = live.app
    with Session(app.extensions["engine"]) as session:
        open_contact(session=session, key="CA-cold-1", channel="phone", at=NOW - timedelta(1))
        session.commit()
        made = cb.create_callback(session=session, contact_key="CA-cold-1", due=NOW,
                                  reason="Phone call: advice", source="cold_transfer",
                                  contractor_id="north-west", phone=CUSTOMER,
                                  now=NOW - timedelta(1))
    client, _ = signed_in(app, "northwest", "contractor_adviser", contractor="north-west",
                          endpoint=ADVISER)
    assert "This callback is yours" in client.get(f"/console/callbacks/{made.id}").text
    return client, made.id


def _call(client, callback_id):
    headers = {"X-CSRFToken": csrf_token(client, f"/console/callbacks/{callback_id}")}
    response = client.post(f"/console/callbacks/{callback_id}/call", headers=headers)
    assert response.status_code == 202, response.get_data(as_text=True)
    return headers


def _ended(app, callback_id, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with Session(app.extensions["engine"]) as session:
            dial = dials.latest_dial(session=session, callback_id=callback_id)
            if dial is not None and dial.state == "ended":
                return dial, cb.get_callback(session=session, callback_id=callback_id)
        time.sleep(0.1)
    raise AssertionError(f"the call did not end: {dial}")


@pytest.mark.parametrize("customer, outcome", [
    ({"mode": "answer", "answered_by": "machine_start"}, "voicemail"),
    ({"mode": "busy"}, "busy"),
    ({"mode": "no-answer"}, "no_answer"),
    ({"mode": "failed"}, "failed"),
])
def test_unsuccessful_outcomes_come_from_the_emulators_callbacks(live, worked, customer, outcome):
    client, callback_id = worked
    live.emulator.endpoint(CUSTOMER, **customer)
    _call(client, callback_id)
    adviser = live.emulator.ringing(ADVISER)
    adviser.answer()
    dial, after = _ended(live.app, callback_id)
    assert [a.outcome for a in after.attempts] == [outcome]
    assert after.status == "pending" and dial.result == outcome
    customer_leg = live.emulator.calls(to=CUSTOMER)[0]
    assert customer_leg["from"] == "+44800100900"  # the service's number as caller ID


def test_a_person_answers_and_the_adviser_records_reached(live, worked):
    client, callback_id = worked
    live.emulator.endpoint(CUSTOMER, "manual")
    headers = _call(client, callback_id)
    adviser = live.emulator.ringing(ADVISER)
    heard = adviser.answer()
    # The adviser leg's TwiML is fetched after the answer returns: wait for its words.
    heard = [*heard, *adviser.wait_heard("Calling the customer back")]
    assert any("Calling the customer back" in line for line in heard)
    customer = live.emulator.ringing(CUSTOMER)
    customer.answer()
    adviser.wait_for("bridged")
    done = client.post(f"/console/callbacks/{callback_id}/outcome", headers=headers,
                       data={"outcome": "reached", "outcome_code": "appointment_booked"})
    assert done.status_code == 303
    customer.hang_up()
    dial, after = _ended(live.app, callback_id)
    assert after.status == "completed" and after.attempt_count == 1
    assert (after.attempts[0].outcome_code, dial.result) == ("appointment_booked", "person")
    with Session(live.app.extensions["engine"]) as session:
        kinds = [e.kind for e in timeline(session=session, contact_key="CA-cold-1")]
    assert kinds[-2:] == ["callback_attempted", "callback_completed"]


@pytest.mark.parametrize("how", ["adviser_declines", "adviser_hangs_up_before_the_customer"])
def test_no_attempt_is_used_when_the_adviser_never_reached_the_customer(live, worked, how):
    client, callback_id = worked
    live.emulator.endpoint(CUSTOMER, "manual")
    _call(client, callback_id)
    adviser = live.emulator.ringing(ADVISER)
    if how == "adviser_declines":
        adviser.decline("no-answer")
        expected = "adviser_unavailable"
    else:
        adviser.answer()
        live.emulator.ringing(CUSTOMER)
        adviser.hang_up()
        expected = "adviser_hung_up"
    dial, after = _ended(live.app, callback_id)
    assert dial.result == expected
    assert after.attempt_count == 0 and after.status == "claimed"
