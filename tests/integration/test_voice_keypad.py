"""The phone journey on the keypad alone (assistant off), through real Redis and the database.

Every plan action is carried out: queue (with wait messages and a callback instead), cold transfer
(caller ID and withheld), signposts, out of hours; and the timeline records each step. Whole calls
with the queue answered and warm transfers (accepted, not answered, declined, customer hangs up)
run through the Twilio emulator in test_voice_emulator.py.
"""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from models.callbacks import Callback
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
    set_facts,
    voice_app,
)

AGE_PROMPT = "Please enter your age"
NEED_MENU = "Press 1 for information"


@pytest.fixture
def weekday(settings, redis_client):
    return voice_app(settings, WEEKDAY_MORNING)


def _callbacks(app) -> list[Callback]:
    with Session(app.extensions["engine"]) as session:
        return list(session.exec(select(Callback)).all())


def test_without_the_assistant_the_call_starts_on_the_keypad(weekday):
    call = new_call(weekday)
    heard = call.start()
    assert heard[0].startswith("Welcome to the National Careers Service")
    assert heard[-1].startswith(AGE_PROMPT)
    assert kinds(weekday, call.call_sid) == ["started"]


def test_adult_information_on_the_keypad_signposts_the_website_and_offers_an_adviser(weekday):
    call = new_call(weekday)
    call.start()
    call.press("45")
    heard = call.press("1")  # 001:5.5: information at the first point of contact
    assert any("nationalcareers.service.gov.uk" in text for text in heard)
    assert heard[-1].startswith("Press 0 to speak to an adviser")
    call.press("9")
    assert call.ended and call.heard[-1].startswith("Thank you for calling")
    assert "abandoned" not in kinds(weekday, call.call_sid)


def test_adult_advice_without_a_postcode_is_queued_with_the_summary_so_far(weekday):
    call = new_call(weekday)
    call.start()
    call.press("45")
    heard = call.press("2")
    assert "I will put you through to an adviser who can find your local service with you." in heard
    enqueued = dict(events(weekday, call.call_sid))["enqueued"]
    assert enqueued["queue"] == "adult_information"
    assert enqueued["summary"]["facts"] == {"age": 45, "need": "advice"}


def test_complaint_goes_to_the_complaints_queue(weekday):  # 001:32.2
    call = new_call(weekday)
    call.start()
    call.press("30")
    call.press("4")
    assert call_state(weekday, call.call_sid)["plan"]["queue"] == "complaints"


def test_under_13_is_signposted_and_the_call_ends(weekday):  # 001:1.1
    call = new_call(weekday)
    call.start()
    call.press("10")  # no need to ask what they need: the service starts at 13
    assert call.ended
    assert "aged 13 and over" in heard_text(call)
    assert dict(events(weekday, call.call_sid))["triaged"]["action"] == "signpost"


def test_an_18_year_old_is_asked_about_jobcentre_plus(weekday):  # 001:5.2, 5.3
    call = new_call(weekday)
    call.start()
    call.press("18")
    heard = call.press("2")
    assert heard[-1].startswith("Are you a Jobcentre Plus customer?")
    call.press("2")
    assert call_state(weekday, call.call_sid)["facts"]["jobcentre_plus_claimant"] is False


def test_jobcentre_plus_line_starts_as_a_claimant(weekday):  # 000:L107, L131
    call = new_call(weekday, dialled=JOBCENTRE_PLUS_LINE)
    heard = call.start()
    assert "Jobcentre Plus customers" in heard[0]
    call.press("18")
    call.press("2")  # no claimant question: the dialled number already said so
    state = call_state(weekday, call.call_sid)
    assert state["facts"]["jobcentre_plus_claimant"] is True
    assert state["question"] != "jobcentre_plus_claimant"


def test_invalid_keys_are_explained_and_asked_again(weekday):
    call = new_call(weekday)
    call.start()
    heard = call.press("999")
    assert heard[0] == "Sorry, that is not an age I can use."
    assert heard[-1].startswith(AGE_PROMPT)
    call.press("40")
    heard = call.press("7")
    assert heard[0] == "Sorry, that is not one of the choices."


def test_star_repeats_and_silence_twice_reaches_an_adviser(weekday):
    call = new_call(weekday)
    call.start()
    assert call.press("*")[-1].startswith(AGE_PROMPT)
    heard = call.silence()
    assert heard[0] == "Sorry, I did not hear a key."
    heard = call.silence()
    assert "I will put you through to an adviser in the contact centre." in heard


def test_zero_at_any_time_reaches_an_adviser(weekday):
    call = new_call(weekday)
    call.start()
    call.press("30")
    heard = call.press("0")
    assert "I will put you through to an adviser in the contact centre." in heard
    assert call.waiting.kind == "queue"


def test_waiting_customer_can_ask_for_a_callback_instead(weekday):  # 000:L19
    call = new_call(weekday)
    call.start()
    call.press("16")
    heard = call.wait_in_queue()
    assert "If you would rather not wait, press 1 and we will call you back instead." in heard
    heard = call.press("1")
    assert heard[0] == "Of course. We will arrange a call back."
    assert heard[-1].startswith("We will call you back on the number ending 1 2 3.")
    heard = call.press("1")
    assert "by 10am tomorrow" in heard[-2]  # within 24 hours in a busy period (000:L115)
    [callback] = _callbacks(weekday)
    assert (callback.queue_id, callback.phone, callback.source) == (
        "young_people", "+441134960123", "customer_request")
    assert "abandoned" not in kinds(weekday, call.call_sid)


def test_hanging_up_in_the_queue_is_recorded_as_abandoned(weekday):
    call = new_call(weekday)
    call.start()
    call.press("16")
    call.press("2")
    call.hang_up()
    timeline = dict(events(weekday, call.call_sid))
    assert timeline["abandoned"]["where"] == "queue"
    assert timeline["ended"]["outcome"] == "abandoned"


def _advice_call_with_postcode(app, **call_args):
    call = new_call(app, **call_args)
    call.start()
    set_facts(app, call.call_sid, postcode="M1 1AE")  # as the assistant would have learnt it
    call.press("45")
    return call, call.press("2")


def test_cold_transfer_at_the_weekend_with_a_withheld_number(settings, redis_client):
    app = voice_app(settings, SATURDAY)
    call, heard = _advice_call_with_postcode(app, caller="anonymous")
    assert heard[-2] == ("The North West prime contractor is closed just now, so an adviser "
                         "from there will call you back.")
    assert heard[-1].startswith("Please enter the UK phone number")
    heard = call.press("12345")
    assert heard[0] == "Sorry, that does not look like a UK phone number."
    heard = call.press("01134960456")
    # Saturday: followed up by the end of the next working day (000:L81).
    assert ("Thank you. An adviser from the North West prime contractor will call you back "
            "by 5pm on Monday.") in heard[0]
    [callback] = _callbacks(app)
    assert callback.phone == "+441134960456"
    # Only the outward code outlives the turn it was said in: a rule needs the area (001:29.1).
    assert callback.summary["facts"]["postcode"] == "M1"
    # The keyed number went straight into the callback row: call state has no place for it.
    assert "4960456" not in json.dumps(call_state(app, call.call_sid))


def test_out_of_hours_an_adviser_request_offers_a_callback_or_the_website(settings, redis_client):
    app = voice_app(settings, NIGHT)
    call = new_call(app)
    call.start()
    heard = call.press("0")
    assert "The contact centre is closed just now." in heard
    assert heard[-1].startswith("Press 1 and an adviser will call you back when we open")
    call.press("1")
    heard = call.press("1")
    assert "by 10pm tomorrow" in heard[0]  # the end of the contact centre's next opening period


def test_a_safeguarding_queue_that_fails_puts_the_customer_back_before_any_callback(weekday):
    """Twilio ends an <Enqueue> with queue-full or an error (QueueResult, Twilio's Enqueue
    action docs): a customer in danger is put back in the safeguarding queue once, with the
    emergency numbers first, and is offered a callback only if waiting fails again (003:L211)."""
    call = new_call(weekday)
    call.start()
    set_facts(weekday, call.call_sid, safeguarding_concern=True)
    call.press("17")
    assert call_state(weekday, call.call_sid)["plan"]["queue"] == "safeguarding"
    again = call.post(call.waiting.enqueue_action, QueueResult="queue-full", QueueTime="5")
    assert "<Enqueue" in again and "call you back" not in again
    assert again.index("999") < again.index("Please stay on the line")
    assert call_state(weekday, call.call_sid)["plan"]["queue"] == "safeguarding"
    last = call.post(call.waiting.enqueue_action, QueueResult="error", QueueTime="5")
    assert "999" in last and "<Enqueue" not in last  # the numbers again, then a follow-up
    assert "call you back" in last
