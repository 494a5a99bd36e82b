"""Call legs running TwiML in the emulator, against a recording app that checks every signature.

Each test names the Twilio documentation page of the behaviour it checks.
"""

from __future__ import annotations

import pytest

R = "<Response>{}</Response>".format
HOLD = '<Pause length="600"/>'


def test_say_play_pause_and_the_end_of_the_document_hangs_up(emulator, recorder):
    # https://www.twilio.com/docs/voice/twiml/say, /play, /pause; the end of a document hangs up
    recorder.answer("/voice/incoming", R('<Say>Hello</Say><Pause length="1"/>'
                                         '<Play>https://example.org/tune.mp3</Play>'))
    call = emulator.phone()
    call.wait_for("completed")
    assert call.heard == ["Hello", "(plays https://example.org/tune.mp3)"]
    [status] = recorder.wait_for("/voice/status")
    assert (status["CallStatus"], status["CallSid"]) == ("completed", call.sid)
    incoming = recorder.params("/voice/incoming")[0]
    assert (incoming["Direction"], incoming["To"], incoming["From"]) == \
        ("inbound", "+44800100900", "+441134960123")
    assert incoming["AccountSid"].startswith("AC") and incoming["ApiVersion"] == "2010-04-01"


def test_gather_digits_speech_and_action_on_empty_result(emulator, recorder):
    # https://www.twilio.com/docs/voice/twiml/gather (numDigits, finishOnKey, input,
    # actionOnEmptyResult; results as Digits, SpeechResult and Confidence)
    recorder.answer("/voice/incoming", R(
        '<Gather input="dtmf" finishOnKey="#" action="/keys" actionOnEmptyResult="true">'
        '<Say>Your age?</Say></Gather>'))
    recorder.answer("/keys", R('<Gather input="dtmf speech" numDigits="1" action="/turn" '
                               'actionOnEmptyResult="true"><Say>Go on</Say></Gather>'))
    recorder.answer("/turn", R('<Gather input="speech" action="/turn" actionOnEmptyResult="true">'
                               '<Say>And?</Say></Gather>'),
                    R('<Gather action="/nothing"><Say>Last</Say></Gather><Say>Bye</Say>'))
    call = emulator.phone()
    assert call.settle()["heard"] == ["Your age?"]
    assert call.press("45#") == ["Go on"]
    assert recorder.params("/keys")[0]["Digits"] == "45"
    assert call.say("careers advice", confidence=0.8) == ["And?"]
    turn = recorder.params("/turn")[0]
    assert (turn["SpeechResult"], float(turn["Confidence"])) == ("careers advice", 0.8)
    assert call.silence() == ["Last"]
    assert "SpeechResult" not in recorder.params("/turn")[1]  # posted with nothing heard
    call.silence()  # no actionOnEmptyResult: on to the next verb
    call.wait_for("completed")
    assert call.heard[-1] == "Bye" and not recorder.params("/nothing")


def test_redirect_and_hangup(emulator, recorder):
    # https://www.twilio.com/docs/voice/twiml/redirect, /hangup
    recorder.answer("/voice/incoming", R("<Redirect>/next?step=2</Redirect><Say>never</Say>"))
    recorder.answer("/next", R("<Say>Moved</Say><Hangup/><Say>never</Say>"))
    call = emulator.phone()
    call.wait_for("completed")
    assert call.heard == ["Moved"]


@pytest.mark.parametrize(("reason", "status"), [("busy", "busy"), ("rejected", "no-answer")])
def test_reject_does_not_answer(emulator, recorder, reason, status):
    # https://www.twilio.com/docs/voice/twiml/reject
    recorder.answer("/voice/incoming", R(f'<Reject reason="{reason}"/>'))
    call = emulator.phone()
    assert call.wait_for(status)["status"] == status
    assert recorder.wait_for("/voice/status")[0]["CallStatus"] == status


def _enqueue(name: str = "advice") -> str:
    return R(f'<Enqueue action="/done" waitUrl="/wait">{name}</Enqueue>')


def test_enqueue_loops_the_wait_url_with_position_and_leaves(emulator, recorder):
    # https://www.twilio.com/docs/voice/twiml/enqueue (waitUrl parameters, QueueResult),
    # https://www.twilio.com/docs/voice/twiml/leave
    recorder.answer("/voice/incoming", _enqueue())
    recorder.answer("/wait", R("<Say>Please hold</Say>"), R("<Say>Still holding</Say>"),
                    R('<Gather numDigits="1" action="/choice" timeout="600"><Say>1 to leave'
                      '</Say></Gather>'))
    recorder.answer("/choice", R("<Leave/>"))
    recorder.answer("/done", R("<Say>You left</Say>"))
    call = emulator.phone()
    call.wait_for("input", timeout=20)
    waits = recorder.params("/wait")
    assert len(waits) == 3  # the wait URL is asked again each time its document ends
    assert (waits[0]["QueuePosition"], waits[0]["CurrentQueueSize"]) == ("1", "1")
    assert {"QueueSid", "QueueTime", "AvgQueueTime", "MaxQueueSize"} <= set(waits[0])
    [queue] = emulator.rest().list_queues()
    assert queue["friendly_name"] == "advice" and queue["current_size"] == 1
    call.press("1")
    call.wait_for("completed")
    [done] = recorder.params("/done")
    assert (done["QueueResult"], done["QueueSid"]) == ("leave", queue["sid"])
    assert done["QueueTime"].isdigit()
    assert call.heard[-1] == "You left"
    assert emulator.rest().fetch_queue(queue["sid"])["current_size"] == 0


def test_hanging_up_in_the_queue_reports_hangup(emulator, recorder):
    recorder.answer("/voice/incoming", _enqueue())
    recorder.answer("/wait", R(HOLD))
    call = emulator.phone()
    call.wait_for("queue")
    call.hang_up()
    assert recorder.wait_for("/done")[0]["QueueResult"] == "hangup"


def test_queue_members_positions_and_dequeue_front_with_url(emulator, recorder):
    # https://www.twilio.com/docs/voice/api/member-resource (list, fetch, update with Url, Front)
    recorder.answer("/voice/incoming", _enqueue())
    recorder.answer("/wait", R(HOLD))
    recorder.answer("/taken", R("<Say>An adviser will call</Say>"))
    # One after the other: two calls placed together may reach the queue in either order.
    first = emulator.phone()
    first.wait_for("queue")
    second = emulator.phone()
    second.wait_for("queue")
    rest = emulator.rest()
    sid = rest.queue_sid("advice")
    members = rest.list_members(sid)
    assert [(m["call_sid"], m["position"]) for m in members] == [(first.sid, 1), (second.sid, 2)]
    assert rest.fetch_member(sid)["call_sid"] == first.sid
    assert rest.fetch_member(sid, second.sid)["position"] == 2
    rest.dequeue_member(sid, "Front", url=recorder.url + "/taken")
    first.wait_for("completed")
    assert first.heard[-1] == "An adviser will call"
    assert recorder.wait_for("/done")[0]["QueueResult"] == "redirected"
    assert [m["position"] for m in rest.list_members(sid)] == [1]
    assert rest.fetch_queue(sid)["average_wait_time"] >= 0
    second.hang_up()


def _whisper_app(recorder, number="+441615550100", noun="Number"):
    recorder.answer("/voice/incoming", R(
        f'<Say>Connecting</Say><Dial action="/dialled" timeout="20" callerId="+44800100900">'
        f'<{noun} url="/whisper" statusCallback="/child" '
        f'statusCallbackEvent="initiated ringing answered completed">{number}</{noun}></Dial>'))
    recorder.answer("/whisper", R('<Gather numDigits="1" action="/accept" timeout="600">'
                                  '<Say>Press 1</Say></Gather><Hangup/>'))
    recorder.answer("/accept", R(""), )
    recorder.answer("/dialled", R("<Say>After the call</Say>"))


def test_dial_number_whispers_to_who_answers_then_bridges(emulator, recorder):
    # https://www.twilio.com/docs/voice/twiml/number (url, statusCallbackEvent),
    # https://www.twilio.com/docs/voice/twiml/dial (action: DialCallStatus, DialCallSid,
    # DialCallDuration; callerId)
    _whisper_app(recorder)
    call = emulator.phone()
    call.settle()
    adviser = emulator.ringing("+441615550100")
    assert adviser.info()["from"] == "+44800100900"  # callerId
    assert adviser.answer() == ["Press 1"]
    whisper = recorder.params("/whisper")[0]
    assert whisper["ParentCallSid"] == call.sid and whisper["Direction"] == "outbound-dial"
    adviser.press("1")
    call.wait_for("bridged")
    adviser.say("Hello, I'm the adviser")
    assert "(they say) Hello, I'm the adviser" in call.heard
    adviser.hang_up()
    call.wait_for("completed")
    [dialled] = recorder.params("/dialled")
    assert (dialled["DialCallStatus"], dialled["DialCallSid"]) == ("completed", adviser.sid)
    assert dialled["DialCallDuration"].isdigit()
    assert call.heard[-1] == "After the call"
    events = recorder.wait_for("/child", 4)
    assert [e["CallStatus"] for e in events] == ["queued", "ringing", "in-progress", "completed"]


@pytest.mark.parametrize(("mode", "status"), [("busy", "busy"), ("no-answer", "no-answer"),
                                              ("failed", "failed"), ("refuse", "busy")])
def test_dial_to_an_endpoint_that_does_not_answer(emulator, recorder, mode, status):
    _whisper_app(recorder, "+441615550101")
    emulator.endpoint("+441615550101", mode)
    call = emulator.phone()
    call.wait_for("completed")
    assert recorder.params("/dialled")[0]["DialCallStatus"] == status
    assert not recorder.params("/whisper")


def test_dial_client_and_hanging_up_during_the_whisper(emulator, recorder):
    # https://www.twilio.com/docs/voice/twiml/client
    _whisper_app(recorder, "amy", noun="Client")
    call = emulator.phone()
    adviser = emulator.ringing("client:amy")
    adviser.answer()
    adviser.silence()  # no key: the whisper hangs up the adviser's leg
    call.wait_for("completed")
    assert recorder.params("/dialled")[0]["DialCallStatus"] == "completed"
    assert call.info()["peer_sid"] is None


def test_caller_hanging_up_while_it_rings_cancels_the_dialled_leg(emulator, recorder):
    _whisper_app(recorder, "+441615550102")
    call = emulator.phone()
    adviser = emulator.ringing("+441615550102")
    call.hang_up()
    adviser.wait_for("canceled")
    dialled = recorder.wait_for("/dialled")[0]
    assert (dialled["DialCallStatus"], dialled["CallStatus"]) == ("canceled", "completed")


def test_dial_queue_bridges_the_front_caller_after_the_queue_url(emulator, recorder):
    # https://www.twilio.com/docs/voice/twiml/queue (url runs on the dequeued caller, with
    # QueueSid, QueueTime, DequeingCallSid); the Enqueue action gets "bridged" when it ends
    recorder.answer("/voice/incoming", _enqueue())
    recorder.answer("/wait", R(HOLD))
    recorder.answer("/connecting", R("<Say>You are being connected</Say>"))
    recorder.answer("/adviser", R('<Say>Next caller</Say><Dial action="/adviser-done">'
                                  '<Queue url="/connecting">advice</Queue></Dial>'))
    caller = emulator.phone()
    caller.wait_for("queue")
    emulator.endpoint("client:bob", "answer")
    call = emulator.rest().create_call(to="client:bob", from_="+44800100900",
                                       url=recorder.url + "/adviser")
    adviser = emulator.leg(call["sid"])
    caller.wait_for("bridged")
    assert "You are being connected" in caller.heard
    announce = recorder.params("/connecting")[0]
    assert announce["DequeingCallSid"] == adviser.sid and announce["QueueSid"].startswith("QU")
    caller.hang_up()
    assert recorder.wait_for("/done")[0]["QueueResult"] == "bridged"
    done = recorder.wait_for("/adviser-done")[0]
    assert (done["DialCallStatus"], done["DialCallSid"]) == ("completed", caller.sid)


def test_a_conference_of_three(emulator, recorder):
    # https://www.twilio.com/docs/voice/twiml/conference (a named room; endConferenceOnExit)
    recorder.answer("/voice/incoming", R('<Dial><Conference>room-1</Conference></Dial>'
                                         '<Say>Conference over</Say>'))
    recorder.answer("/host", R('<Dial><Conference endConferenceOnExit="true">room-1'
                               '</Conference></Dial>'))
    customer = emulator.phone()
    customer.wait_for("conference")
    interpreter = emulator.phone(from_="+441134960999")
    interpreter.wait_for("conference")
    emulator.endpoint("+441615550103", "answer")
    rest = emulator.rest()
    adviser = emulator.leg(rest.create_call(to="+441615550103", from_="+44800100900",
                                            url=recorder.url + "/host")["sid"])
    adviser.wait_for("conference")
    interpreter.say("Dzień dobry")
    assert "(they say) Dzień dobry" in customer.heard and "(they say) Dzień dobry" in adviser.heard
    adviser.hang_up()
    customer.wait_for("completed")
    interpreter.wait_for("completed")
    assert customer.heard[-1] == "Conference over"


def test_click_to_call_rings_the_adviser_then_the_customer_with_amd(emulator, recorder):
    # https://www.twilio.com/docs/voice/twiml/number (machineDetection, amdStatusCallback),
    # https://www.twilio.com/docs/voice/twiml/dial#answeronbridge; the adviser first, by REST
    recorder.answer("/adviser", R(
        '<Dial callerId="+44800100900" answerOnBridge="true" action="/dialled">'
        '<Number statusCallback="/customer" statusCallbackEvent="initiated ringing answered '
        'completed" machineDetection="DetectMessageEnd" amdStatusCallback="/amd">'
        '+441134960456</Number></Dial>'))
    emulator.endpoint("client:adviser_7", "answer")
    emulator.endpoint("+441134960456", "answer", answered_by="machine_start")
    adviser = emulator.leg(emulator.rest().create_call(
        to="client:adviser_7", from_="+44800100900", url=recorder.url + "/adviser")["sid"])
    adviser.wait_for("bridged")
    [amd] = recorder.wait_for("/amd")
    assert amd["AnsweredBy"] == "machine_start" and amd["ParentCallSid"] == adviser.sid
    customer_sid = amd["CallSid"]
    assert emulator.rest().fetch_call(customer_sid)["from"] == "+44800100900"
    emulator.leg(customer_sid).hang_up()
    dialled = recorder.wait_for("/dialled")[0]
    assert (dialled["DialCallStatus"], dialled["DialCallSid"]) == ("completed", customer_sid)
    assert [e["CallStatus"] for e in recorder.wait_for("/customer", 4)] == \
        ["queued", "ringing", "in-progress", "completed"]
