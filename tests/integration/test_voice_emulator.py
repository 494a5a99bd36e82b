"""Whole phone calls through the Twilio emulator: the app served over HTTP, Twilio's side played
by the emulator (signed webhooks, queues with real positions and waits, Dial legs to advisers).

A scripted call to each destination on a Saturday, on Christmas Day and on a weekday in hours;
then the warm transfer's outcomes and the queue's, each as Twilio reports them.
"""

from __future__ import annotations

import io
from datetime import datetime

import pytest
from sqlmodel import Session, select

from ivr.simulate import step
from models.callbacks import Callback
from tests.support.emulator import live_voice_app
from tests.support.twilio import LONDON, SATURDAY, WEEKDAY_MORNING, events, kinds, set_facts

# Friday 25 December 2026: a bank holiday, so the contact centre and contractors are closed.
CHRISTMAS_DAY = datetime(2026, 12, 25, 10, 0, tzinfo=LONDON)
NORTH_WEST = "+441614960002"  # the North West prime contractor's transfer number
QUEUED = "You are number 1 in the queue."
CONTRACTOR_CLOSED = "The North West prime contractor is closed just now"
CENTRE_CLOSED = "The contact centre is closed just now."
PUT_THROUGH = "I am now putting you through to the North West prime contractor"
WEBSITE = "nationalcareers.service.gov.uk"

# (name, keys after the greeting, needs a postcode as the assistant would have learnt it)
CALLS = {"young person": (["16"], False),  # whatever a young person needs (001:5.2)
         "information": (["45", "1"], False),
         "advice": (["45", "2"], True), "face to face": (["45", "3"], True),
         "complaint": (["45", "4"], False), "an adviser (0)": (["0"], False)}
EXPECTED = {
    # Saturday: the contact centre is open (queues); the prime contractors are closed (000:L81).
    ("saturday", "young person"): QUEUED, ("saturday", "information"): WEBSITE,
    ("saturday", "advice"): CONTRACTOR_CLOSED, ("saturday", "face to face"): CONTRACTOR_CLOSED,
    ("saturday", "complaint"): QUEUED, ("saturday", "an adviser (0)"): QUEUED,
    # Christmas Day: everyone is closed; callbacks are offered, information is still given.
    ("christmas", "young person"): CENTRE_CLOSED, ("christmas", "information"): WEBSITE,
    ("christmas", "advice"): CONTRACTOR_CLOSED, ("christmas", "face to face"): CONTRACTOR_CLOSED,
    ("christmas", "complaint"): CENTRE_CLOSED, ("christmas", "an adviser (0)"): CENTRE_CLOSED,
    # A weekday in hours: queues, and warm transfers to the contractor (001:5.3, 001:6.1).
    ("weekday", "young person"): QUEUED, ("weekday", "information"): WEBSITE,
    ("weekday", "advice"): PUT_THROUGH, ("weekday", "face to face"): PUT_THROUGH,
    ("weekday", "complaint"): QUEUED, ("weekday", "an adviser (0)"): QUEUED,
}
DAYS = {"saturday": SATURDAY, "christmas": CHRISTMAS_DAY, "weekday": WEEKDAY_MORNING}


@pytest.fixture
def centre(settings, redis_client):
    """Start the app and emulator on the clock of one day."""
    stack = []

    def start(at):
        live = live_voice_app(settings, at)
        stack.append(live)
        return live.__enter__()

    yield start
    for live in reversed(stack):
        live.__exit__(None, None, None)


def _callbacks(app) -> list[Callback]:
    with Session(app.extensions["engine"]) as session:
        return list(session.exec(select(Callback)).all())


def _call(live, keys: list[str], postcode: bool):
    call = live.emulator.phone()
    call.settle()
    if postcode:
        set_facts(live.app, call.sid, postcode="M1 1AE")
    heard = []
    for key in keys:
        heard = call.press(key)
    return call, heard


@pytest.mark.parametrize("day", list(DAYS))
def test_a_call_to_each_destination(centre, day):
    live = centre(DAYS[day])
    for name, (keys, postcode) in CALLS.items():
        call, heard = _call(live, keys, postcode)
        expected = EXPECTED[(day, name)]
        assert any(expected in text for text in heard), (day, name, heard)
        _finish(live, call, expected)


def _finish(live, call, expected: str) -> None:
    """Carry each route through to its end, as the people on it would."""
    if expected == QUEUED:
        adviser = call.taken_by_adviser()
        call.wait_for("bridged")
        call.hang_up()
        adviser.wait_for("completed")
        assert kinds(live.app, call.sid)[-2:] == ["answered", "ended"]
    elif expected in (CONTRACTOR_CLOSED, CENTRE_CLOSED):
        for _ in range(2):  # "1" for a callback when we open (after "0"), "1" for this number
            if call.status == "completed":
                break
            call.press("1")
        call.wait_for("completed")
        assert "callback_created" in kinds(live.app, call.sid)
    elif expected == PUT_THROUGH:
        adviser = live.emulator.ringing(NORTH_WEST)
        assert adviser.answer()[0].startswith("A customer from the National Careers Service.")
        adviser.press("1")
        call.wait_for("bridged")
        call.hang_up()
        assert "transferred" in kinds(live.app, call.sid)
    else:
        call.press("9")
        call.wait_for("completed")
    assert "abandoned" not in kinds(live.app, call.sid) or expected == QUEUED


def test_warm_transfer_not_answered_becomes_a_cold_transfer(centre):  # 000:L81
    live = centre(WEEKDAY_MORNING)
    live.emulator.endpoint(NORTH_WEST, "no-answer")
    call, _ = _call(live, ["45", "2"], True)
    heard = call.settle()["heard"]
    assert any(t.startswith("Sorry, no one at the North West prime contractor") for t in heard)
    call.press("1")
    call.wait_for("completed")
    [callback] = _callbacks(live.app)
    assert (callback.contractor_id, callback.source) == ("north-west", "cold_transfer")
    assert dict(events(live.app, call.sid))["transfer_failed"]["status"] == "no-answer"


@pytest.mark.parametrize("mode", ["busy", "refuse", "failed"])
def test_warm_transfer_busy_refused_or_failed(centre, mode):
    live = centre(WEEKDAY_MORNING)
    live.emulator.endpoint(NORTH_WEST, mode)
    call, heard = _call(live, ["45", "2"], True)
    # The line's "ringing" status callback comes first, so wait for the words, not a moment.
    call.wait_heard("no one at the North West prime contractor")
    status = dict(events(live.app, call.sid))["transfer_failed"]["status"]
    assert status == ("failed" if mode == "failed" else "busy")
    call.hang_up()


def test_warm_transfer_declined_by_the_adviser(centre):
    live = centre(WEEKDAY_MORNING)
    call, _ = _call(live, ["45", "2"], True)
    adviser = live.emulator.ringing(NORTH_WEST)
    adviser.answer()
    # The whisper's Gather, not a moment before: on a loaded machine the answer can settle first.
    adviser.wait_for("input")
    heard = adviser.silence()  # no key within the whisper's time
    assert heard == ["Thank you. The customer will be offered a call back."]
    call.wait_for("input")
    assert any(t.startswith("Sorry, no one at the North West") for t in call.heard)
    call.hang_up()


def test_customer_hanging_up_while_the_adviser_rings(centre):
    live = centre(WEEKDAY_MORNING)
    call, _ = _call(live, ["45", "2"], True)
    adviser = live.emulator.ringing(NORTH_WEST)
    call.hang_up()
    adviser.wait_for("canceled")
    assert dict(events(live.app, call.sid))["abandoned"]["where"] == "transfer"


def test_queue_position_and_wait_come_from_the_queue_itself(centre):
    live = centre(WEEKDAY_MORNING)
    first, _ = _call(live, ["16"], False)
    second, heard = _call(live, ["16"], False)
    assert "You are number 2 in the queue." in heard
    sid = live.emulator.rest().queue_sid("young_people")
    assert [m["call_sid"] for m in live.emulator.rest().list_members(sid)] == \
        [first.sid, second.sid]
    first.taken_by_adviser()
    first.wait_for("bridged")
    # The next wait message gives the new place (Twilio asks the wait URL again).
    heard = second.silence()
    assert "You are number 1 in the queue." in heard
    first.hang_up()
    queue_time = dict(events(live.app, first.sid))["answered"]["queue_time"]
    assert isinstance(queue_time, int) and queue_time >= 0
    second.press("1")  # a callback instead of waiting
    assert dict(events(live.app, second.sid)).get("abandoned") is None
    second.hang_up()


def test_the_simulators_accept_picks_up_first_when_the_script_did_not(centre):
    live = centre(WEEKDAY_MORNING)
    call, _ = _call(live, ["45", "2"], True)
    out = io.StringIO()
    step(call, "!accept", out)
    assert out.getvalue().startswith("<< [adviser hears] A customer from the National Careers")
    call.wait_for("bridged")
    assert "transferred" in kinds(live.app, call.sid)
    call.hang_up()
