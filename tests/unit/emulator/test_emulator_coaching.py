"""The emulator's model of who hears whom in a conference: a coach is heard by the participant
they coach alone, a muted or held participant by nobody; the coach hears everyone
(https://www.twilio.com/docs/voice/api/conference-participant-resource, `CallSidToCoach`)."""

from __future__ import annotations

from devtools.emulator.model import Leg, audience, new_sid, participant_resource


def leg(**fields) -> Leg:
    return Leg(new_sid("CA"), "AC" + "1" * 32, to="+441134960001", from_="+44800100900",
               direction="inbound", **fields)


def test_everyone_hears_a_plain_participant_but_the_held():
    caller, adviser, held = leg(), leg(), leg(hold=True)
    assert audience(caller, [adviser, held]) == [adviser]


def test_a_muted_or_held_participant_is_heard_by_nobody():
    caller, adviser = leg(), leg()
    assert audience(leg(muted=True), [caller, adviser]) == []
    assert audience(leg(hold=True), [caller, adviser]) == []


def test_a_coach_is_heard_by_the_coached_participant_alone():
    caller, adviser = leg(), leg()
    coach = leg(coaching=True, call_sid_to_coach=adviser.sid)
    assert audience(coach, [caller, adviser]) == [adviser]
    # The coach hears both, and the coached adviser hears caller and coach.
    assert coach in audience(caller, [adviser, coach])
    assert coach in audience(adviser, [caller, coach])
    assert adviser in audience(caller, [adviser, coach])


def test_a_muted_coach_is_heard_by_nobody_and_a_coach_no_longer_coaching_by_everyone():
    caller, adviser = leg(), leg()
    assert audience(leg(coaching=True, call_sid_to_coach=adviser.sid, muted=True),
                    [caller, adviser]) == []
    barging = leg(coaching=False, call_sid_to_coach=adviser.sid)
    assert audience(barging, [caller, adviser]) == [caller, adviser]


def test_a_coached_participant_on_hold_hears_nobody_coaching():
    caller, adviser = leg(), leg(hold=True)
    assert audience(leg(coaching=True, call_sid_to_coach=adviser.sid), [caller, adviser]) == []


def test_the_participant_resource_shows_coaching_in_twilios_shape():
    adviser = leg()
    coach = leg(coaching=True, call_sid_to_coach=adviser.sid, muted=False)
    shown = participant_resource(_Account(), "CF" + "2" * 32, coach)
    assert shown["coaching"] is True and shown["call_sid_to_coach"] == adviser.sid
    plain = participant_resource(_Account(), "CF" + "2" * 32, adviser)
    assert plain["coaching"] is False and plain["call_sid_to_coach"] is None


class _Account:
    sid = "AC" + "1" * 32
    uri_base = f"/2010-04-01/Accounts/{sid}"
