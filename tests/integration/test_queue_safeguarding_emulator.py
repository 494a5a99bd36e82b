"""What a caller says while waiting in a queue passes the safeguarding screen (003:L211).

Through the Twilio emulator: the wait URL's Gather hears speech as well as keys; a concern takes
the caller out of their queue into the safeguarding route at once and alerts supervisors, and
an idiom ("this wait is killing me") leaves them where they were.
"""

from __future__ import annotations

import pytest

from routing.safeguarding_alerts import SafeguardingAlerts
from tests.support.emulator import live_voice_app
from tests.support.twilio import WEEKDAY_MORNING, call_state, kinds

HEARD = "I'm putting you through to a member of our team now"


@pytest.fixture
def live(settings, redis_client):
    with live_voice_app(settings, WEEKDAY_MORNING) as running:
        yield running


def _queued_young_person(live):
    """A young person on the keypad path, waiting in the young people's queue."""
    call = live.emulator.phone()
    call.settle()
    heard = call.press("16")
    assert "You are number 1 in the queue." in heard
    return call


def _members(live, queue: str) -> list[str]:
    sid = live.emulator.rest().queue_sid(queue)
    return [m["call_sid"] for m in live.emulator.rest().list_members(sid)] if sid else []


def test_a_concern_said_in_the_queue_moves_the_caller_to_safeguarding(live, redis_client):
    call = _queued_young_person(live)
    heard = call.say("i dont want to be alive anymore", confidence=0.2)
    assert any(HEARD in text for text in heard), heard
    assert call.sid in _members(live, "safeguarding")
    assert call.sid not in _members(live, "young_people")
    state = call_state(live.app, call.sid)
    assert state["decision"]["destination"] == "safeguarding"
    alert = SafeguardingAlerts(redis_client).recent()[0]
    assert (alert["contact"], alert["where"], alert["explicit"]) == (call.sid, "queue", "0")
    assert kinds(live.app, call.sid).count("triaged") == 2  # the young people's, then this
    call.hang_up()


def test_an_idiom_in_the_queue_keeps_the_caller_waiting(live, redis_client):
    call = _queued_young_person(live)
    heard = call.say("this wait is killing me")
    assert not any(HEARD in text for text in heard), heard
    assert call.sid in _members(live, "young_people")
    assert SafeguardingAlerts(redis_client).recent() == []
    call.press("1")  # and the keys still work: a callback instead
    call.hang_up()


def test_a_concern_in_the_safeguarding_queue_alerts_again_and_keeps_the_place(live,
                                                                             redis_client):
    call = _queued_young_person(live)
    call.say("my stepdad hits me")
    heard = call.say("i want to kill myself")
    assert any(HEARD in text for text in heard), heard
    assert _members(live, "safeguarding") == [call.sid]
    assert [a["where"] for a in SafeguardingAlerts(redis_client).recent()] == ["queue", "queue"]
    call.hang_up()
