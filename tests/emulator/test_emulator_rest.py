"""The emulator's REST API through the app's own client (ivr.voice.twilio_rest.TwilioRest).

Each test names the Twilio documentation page of the behaviour it checks.
"""

from __future__ import annotations

import pytest
import requests

from devtools.emulator.client import EmulatorError
from ivr.voice.twilio_rest import TwilioError, TwilioRest
from tests.emulator.conftest import ACCOUNT_SID, TOKEN

SAY_AND_WAIT = "<Response><Say>Hello</Say><Pause length=\"600\"/></Response>"


def test_wrong_credentials_are_refused_with_twilios_error_body(emulator):
    # https://www.twilio.com/docs/usage/requests-to-twilio (HTTP basic auth), error 20003
    response = requests.get(f"{emulator.url}/2010-04-01/Accounts/{ACCOUNT_SID}/Queues.json",
                            auth=(ACCOUNT_SID, "wrong"), timeout=5)
    assert response.status_code == 401
    assert response.json() == {"code": 20003, "message": "Authenticate",
                               "more_info": "https://www.twilio.com/docs/errors/20003",
                               "status": 401}
    bad = TwilioRest(base_url=emulator.url, account_sid=ACCOUNT_SID, auth_token="wrong")
    with pytest.raises(TwilioError) as raised:
        bad.list_queues()
    assert (raised.value.status, raised.value.code) == (401, 20003)


def test_create_fetch_and_list_queues(emulator):
    # https://www.twilio.com/docs/voice/api/queue-resource
    rest = emulator.rest()
    created = rest.create_queue("young_people", max_size=20)
    assert created["sid"].startswith("QU") and len(created["sid"]) == 34
    assert created["friendly_name"] == "young_people"
    assert (created["current_size"], created["average_wait_time"], created["max_size"]) == \
        (0, 0, 20)
    assert created["uri"] == f"/2010-04-01/Accounts/{ACCOUNT_SID}/Queues/{created['sid']}.json"
    assert rest.fetch_queue(created["sid"])["friendly_name"] == "young_people"
    assert [q["sid"] for q in rest.list_queues()] == [created["sid"]]
    assert rest.queue_sid("young_people") == created["sid"]
    assert rest.queue_sid("nobody") is None


def test_queue_errors(emulator):
    rest = emulator.rest()
    rest.create_queue("adults")
    with pytest.raises(TwilioError) as raised:
        rest.create_queue("adults")  # a friendly name already in use
    assert raised.value.status == 400
    with pytest.raises(TwilioError) as raised:
        rest.create_queue("huge", max_size=5001)  # max_size is at most 5000
    assert raised.value.status == 400
    with pytest.raises(TwilioError) as raised:
        rest.fetch_queue("QU" + "0" * 32)
    assert (raised.value.status, raised.value.code) == (404, 20404)
    assert "was not found" in raised.value.message


def test_create_call_validates_to_from_and_url(emulator):
    # https://www.twilio.com/docs/voice/api/call-resource#create-a-call-resource
    rest = emulator.rest()
    for to, from_, url, code in [("", "+441134960000", "http://x/", 21201),
                                 ("12", "+441134960000", "http://x/", 21211),
                                 ("+441134960001", "", "http://x/", 21213)]:
        with pytest.raises(TwilioError) as raised:
            rest.create_call(to=to, from_=from_, url=url)
        assert (raised.value.status, raised.value.code) == (400, code)
    with pytest.raises(TwilioError) as raised:
        rest._request("POST", "/Calls.json", [("To", "+441134960001"), ("From", "+441134960000")])
    assert raised.value.code == 21205


def test_an_outbound_call_rings_answers_and_reports_each_event(emulator, recorder):
    # https://www.twilio.com/docs/voice/api/call-resource#statuscallbackevent
    emulator.endpoint("+441134960001", "answer")
    recorder.answer("/answered", SAY_AND_WAIT)
    call = emulator.rest().create_call(
        to="+441134960001", from_="+44800100900", url=recorder.url + "/answered",
        status_callback=recorder.url + "/events")
    assert call["status"] == "queued" and call["direction"] == "outbound-api"
    assert call["sid"].startswith("CA") and call["from"] == "+44800100900"
    [answered] = recorder.wait_for("/answered")
    assert (answered["CallSid"], answered["CallStatus"], answered["Direction"]) == \
        (call["sid"], "in-progress", "outbound-api")
    leg = emulator.leg(call["sid"])
    leg.wait_heard("Hello")
    emulator.rest().update_call(call["sid"], status="completed")
    leg.wait_for("completed")
    events = recorder.wait_for("/events", 4)
    assert [e["CallStatus"] for e in events] == ["queued", "ringing", "in-progress", "completed"]
    assert [e["SequenceNumber"] for e in events] == ["0", "1", "2", "3"]
    assert events[-1]["CallDuration"].isdigit()
    assert leg.heard == ["Hello"]
    fetched = emulator.rest().fetch_call(call["sid"])
    assert fetched["status"] == "completed" and fetched["duration"].isdigit()


@pytest.mark.parametrize(("mode", "status"), [("busy", "busy"), ("refuse", "busy"),
                                              ("no-answer", "no-answer"), ("failed", "failed")])
def test_endpoints_that_do_not_answer(emulator, recorder, mode, status):
    # https://www.twilio.com/docs/voice/api/call-resource#call-status-values
    emulator.endpoint("+441134960002", mode)
    call = emulator.rest().create_call(to="+441134960002", from_="+44800100900",
                                       url=recorder.url + "/never", timeout_seconds=1,
                                       status_callback=recorder.url + "/events")
    emulator.leg(call["sid"]).wait_for(status)
    [completed] = recorder.wait_for("/events", CallStatus=status)
    assert completed["CallSid"] == call["sid"]
    assert not recorder.params("/never")


def test_answering_machine_detection_on_request(emulator, recorder):
    # https://www.twilio.com/docs/voice/answering-machine-detection (AnsweredBy, async callback)
    emulator.endpoint("+441134960003", "answer", answered_by="machine_end_beep")
    recorder.answer("/answered", SAY_AND_WAIT)
    emulator.rest().create_call(to="+441134960003", from_="+44800100900",
                                url=recorder.url + "/answered",
                                machine_detection="DetectMessageEnd",
                                amd_status_callback=recorder.url + "/amd")
    [amd] = recorder.wait_for("/amd")
    assert amd["AnsweredBy"] == "machine_end_beep"
    assert recorder.wait_for("/answered")[0]["AnsweredBy"] == "machine_end_beep"


def test_update_redirects_a_live_call_with_url_or_twiml(emulator, recorder):
    # https://www.twilio.com/docs/voice/api/call-resource#update-a-call-resource
    emulator.endpoint("+441134960004", "answer")
    recorder.answer("/first", SAY_AND_WAIT)
    recorder.answer("/second", "<Response><Say>Moved</Say><Pause length=\"600\"/></Response>")
    rest = emulator.rest()
    call = rest.create_call(to="+441134960004", from_="+44800100900", url=recorder.url + "/first")
    leg = emulator.leg(call["sid"])
    leg.wait_heard("Hello")  # a redirect takes effect between verbs
    rest.update_call(call["sid"], url=recorder.url + "/second")
    leg.wait_heard("Moved")
    rest.update_call(call["sid"], twiml="<Response><Say>Inline</Say><Hangup/></Response>")
    leg.wait_for("completed")
    assert leg.heard == ["Hello", "Moved", "Inline"]
    with pytest.raises(TwilioError) as raised:
        rest.update_call(call["sid"], url=recorder.url + "/second")
    assert raised.value.code == 21220  # not in progress any more
    with pytest.raises(TwilioError) as raised:
        rest.fetch_call("CA" + "0" * 32)
    assert raised.value.status == 404


def test_account_sid_in_the_path_must_be_the_callers(emulator):
    response = requests.get(f"{emulator.url}/2010-04-01/Accounts/AC{'2' * 32}/Queues.json",
                            auth=(ACCOUNT_SID, TOKEN), timeout=5)
    assert response.status_code == 404 and response.json()["code"] == 20404


def test_fetch_gives_the_real_status_of_a_call_whose_webhooks_were_lost(emulator, recorder):
    # GET /2010-04-01/Accounts/{AccountSid}/Calls/{Sid}.json (twilio-oai twilio_api_v2010.json)
    emulator.endpoint("+441134960004", "answer")
    recorder.answer("/answered", SAY_AND_WAIT)
    call = emulator.rest().create_call(
        to="+441134960004", from_="+44800100900", url=recorder.url + "/answered",
        status_callback=recorder.url + "/events")
    recorder.wait_for("/answered")
    leg = emulator.leg(call["sid"])
    assert emulator.rest().fetch_call(call["sid"])["status"] == "in-progress"
    with pytest.raises(EmulatorError, match="400"):
        emulator.request("PUT", f"/calls/{call['sid']}/webhooks", {"reachable": "no"})
    leg.lose_webhooks()
    leg.hang_up()
    assert emulator.rest().fetch_call(call["sid"])["status"] == "completed"
    assert "completed" not in [e["CallStatus"] for e in recorder.params("/events")]


ROOM = "<Response><Dial><Conference>room-abc</Conference></Dial></Response>"


def test_conference_participants_are_added_held_muted_announced_and_removed(emulator, recorder):
    # twilio-oai spec/json/twilio_api_v2010.json: ListConference, CreateParticipant,
    # FetchParticipant, UpdateParticipant (Hold, HoldUrl, Muted, AnnounceUrl,
    # EndConferenceOnExit) and DeleteParticipant.
    rest = emulator.rest()
    for number in ("+441134960011", "+441134960012", "+441134960013"):
        emulator.endpoint(number, "answer")
    recorder.answer("/room", ROOM)
    recorder.answer("/hold", "<Response><Say>Please hold</Say></Response>")
    recorder.answer("/announce", "<Response><Say>A summary for you alone</Say></Response>")
    first = rest.create_call(to="+441134960011", from_="+44800100900", url=recorder.url + "/room")
    second = rest.create_call(to="+441134960012", from_="+44800100900",
                              url=recorder.url + "/room")
    a, b = emulator.leg(first["sid"]), emulator.leg(second["sid"])
    a.wait_for("conference")
    b.wait_for("conference")
    assert rest.conference_sid("no-such-room") is None
    room = rest.conference_sid("room-abc")
    assert room.startswith("CF") and len(room) == 34
    added = rest.add_participant(room, to="+441134960013", from_="+44800100900",
                                 label="contractor", status_callback=recorder.url + "/events",
                                 timeout_seconds=10)
    assert added["label"] == "contractor" and added["conference_sid"] == room
    c = emulator.leg(added["call_sid"])
    c.wait_for("conference")
    assert [e["CallStatus"] for e in recorder.wait_for("/events", 3)][:3] == [
        "queued", "ringing", "in-progress"]
    held = rest.update_participant(room, a.sid, hold=True, hold_url=recorder.url + "/hold")
    assert held["hold"] is True and held["muted"] is False
    a.wait_heard("Please hold")
    b.say("Not for the held one")
    c.wait_heard("Not for the held one")
    assert not any("Not for" in said for said in a.heard)
    assert rest.update_participant(room, "contractor", muted=True)["muted"] is True
    c.say("Muted words")
    rest.update_participant(room, "contractor", announce_url=recorder.url + "/announce")
    c.wait_heard("A summary for you alone")
    assert not any("Muted words" in said or "summary" in said for said in b.heard)
    assert emulator.leg(a.sid).info()["hold"] is True
    rest.update_participant(room, b.sid, end_conference_on_exit=False)
    rest.remove_participant(room, b.sid)
    b.wait_for("completed")
    assert a.info()["conference"] == c.info()["conference"] == "room-abc"
    with pytest.raises(TwilioError) as raised:
        rest.update_participant(room, b.sid, hold=True)
    assert raised.value.status == 404


def test_a_coach_is_heard_by_the_participant_coached_alone(emulator, recorder):
    # twilio-oai spec/json/twilio_api_v2010.json: CreateParticipant and UpdateParticipant
    # `Coaching`, `CallSidToCoach` ("the only participant who can hear the participant who is
    # coaching"); https://www.twilio.com/docs/voice/api/conference-participant-resource
    rest = emulator.rest()
    for number in ("+441134960011", "+441134960012", "+441134960013"):
        emulator.endpoint(number, "answer")
    recorder.answer("/room", ROOM)
    caller = emulator.leg(rest.create_call(to="+441134960011", from_="+44800100900",
                                           url=recorder.url + "/room")["sid"])
    adviser = emulator.leg(rest.create_call(to="+441134960012", from_="+44800100900",
                                            url=recorder.url + "/room")["sid"])
    caller.wait_for("conference")
    adviser.wait_for("conference")
    room = rest.conference_sid("room-abc")
    joins = [said for leg in (caller, adviser) for said in leg.heard if "someone joins" in said]
    with pytest.raises(TwilioError) as raised:  # Coaching needs CallSidToCoach
        rest.add_participant(room, to="+441134960013", from_="+44800100900", label="coach",
                             status_callback=recorder.url + "/events", timeout_seconds=10,
                             coaching=True)
    assert (raised.value.status, raised.value.code) == (400, 20001)
    added = rest.add_participant(room, to="+441134960013", from_="+44800100900", label="coach",
                                 status_callback=recorder.url + "/events", timeout_seconds=10,
                                 coaching=True, call_sid_to_coach=adviser.sid)
    assert added["coaching"] is True and added["call_sid_to_coach"] == adviser.sid
    coach = emulator.leg(added["call_sid"])
    coach.wait_for("conference")
    # Beep=false (CreateParticipant `Beep`): nobody heard the coach join.
    assert [said for leg in (caller, adviser) for said in leg.heard
            if "someone joins" in said] == joins
    coach.say("Ask about their last job")
    adviser.wait_heard("last job")
    caller.say("I worked in a shop")
    coach.wait_heard("worked in a shop")
    adviser.wait_heard("worked in a shop")
    assert not any("last job" in said for said in caller.heard)
    assert coach.info()["coaching"] is True
    assert coach.info()["call_sid_to_coach"] == adviser.sid
    # Muted: heard by nobody; no longer coaching: heard by both.
    assert rest.update_participant(room, "coach", muted=True)["muted"] is True
    coach.say("Quietly now")
    adviser.say("Tell me more")
    coach.wait_heard("Tell me more")
    assert not any("Quietly" in said for said in adviser.heard + caller.heard)
    barged = rest.update_participant(room, coach.sid, muted=False, coaching=False)
    assert barged["coaching"] is False and barged["muted"] is False
    coach.say("Hello both")
    caller.wait_heard("Hello both")
    adviser.wait_heard("Hello both")
    rest.update_participant(room, caller.sid, hold=True)
    with pytest.raises(TwilioError) as raised:  # nor one on hold (error 16027)
        rest.update_participant(room, coach.sid, coaching=True, call_sid_to_coach=caller.sid)
    assert (raised.value.status, raised.value.code) == (400, 16027)
    rest.update_participant(room, caller.sid, hold=False)
    with pytest.raises(TwilioError) as raised:  # a call not in the room cannot be coached
        rest.update_participant(room, coach.sid, coaching=True, call_sid_to_coach="CA" + "9" * 32)
    assert raised.value.status == 400
    assert rest.fetch_participant(room, coach.sid)["coaching"] is False
    rest.remove_participant(room, coach.sid)
    coach.wait_for("completed")
    caller.say("Still here")
    adviser.wait_heard("Still here")
