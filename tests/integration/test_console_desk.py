"""The adviser's desk end to end on real Redis and the database: calls and chats from the queue.

Calls: the voice channel's signed webhooks (as Twilio posts them) and a recording stand-in for
the Twilio REST client: ring the chosen adviser, whisper, bridge to that caller, wrap-up; a
declined or unanswered call keeps its place. Chats: taken, replied to (typed and canned),
transferred to another queue keeping their place, closed and wrapped up.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import pytest
from sqlmodel import Session

from app import create_app
from ivr.chat.store import ChatStore
from models.contacts import timeline
from tests.support.browser import LONDON
from tests.support.console import api_headers, signed_in
from tests.support.fake_twilio import FakeTwilio
from tests.support.twilio import new_call

START = datetime(2026, 3, 2, 10, 0, tzinfo=LONDON)  # a Monday morning: everyone is open


class Clock:
    """One clock for the voice channel, the chat and the dispatcher, moved by the test."""

    def __init__(self) -> None:
        self.now = START

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def twilio():
    return FakeTwilio()


@pytest.fixture
def app(settings, redis_client, clock, twilio):
    return create_app(settings, voice_clock=clock, chat_clock=clock, twilio=twilio)


def adviser(app, name, queues=("young_people", "adult_information"), available=True):
    client, user = signed_in(app, name, "adviser", queues=list(queues), endpoint=f"client:{name}")
    assert client.get("/console/desk").status_code == 200
    client.headers = api_headers(client)
    if available:
        go(client, "available")
    return client, user


def go(client, mode):
    response = client.post("/console/api/presence", json={"mode": mode}, headers=client.headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()


def desk(client):
    return client.get("/console/api/desk").get_json()


def queued_young_person(app):
    call = new_call(app)
    call.start()
    call.press("16")  # every need of a young person: the young people's queue (001:5.2, 5.4)
    assert call.waiting.kind == "queue"
    return call


def leg(call, path, leg_sid, **params):
    """A webhook of the adviser's leg (its own CallSid), signed as Twilio signs it."""
    body = call.post(f"/voice/adviser/{path}?call={call.call_sid}", CallSid=leg_sid,
                     Direction="outbound-api", From="+44800100900", To="client:x", **params)
    return ET.fromstring(body) if body else None


def kinds_of(app, key):
    with Session(app.extensions["engine"]) as session:
        return [(e.kind, e.detail, e.text) for e in timeline(session=session, contact_key=key)]


def test_a_queued_call_rings_the_adviser_who_hears_the_whisper_and_gets_the_screen_pop(
        app, clock, twilio):
    call = queued_young_person(app)
    clock.advance(125)
    sam, user = adviser(app, "sam")
    [ring] = twilio.made("create_call")
    assert ring["to"] == "client:sam" and ring["from_"] == "+44800100900"
    assert ring["url"].endswith(f"/voice/adviser/answer?call={call.call_sid}")
    state = desk(sam)
    assert state["presence"]["status"] == "busy"
    assert state["contacts"] == [{"member": call.call_sid, "channel": "call",
                                  "queue": "young_people", "waited_seconds": 125}]
    pop = sam.get(f"/console/api/contacts/{call.call_sid}").get_json()
    assert pop["channel"] == "phone" and pop["dialled"] == "+44800100900"
    assert pop["waited_seconds"] == 125 and pop["queue"] == "young_people"
    assert pop["destination"] == "young_people_service" and pop["reasons"]
    assert pop["facts"]["age"] == 16 and "need" not in pop["facts"]  # never asked (001:5.2)
    assert pop["transcript"] and pop["transcript"][0]["from"] == "customer"

    adviser_leg = "CA" + "a" * 32
    whisper = leg(call, "answer", adviser_leg)
    said = " ".join(s.text for s in whisper.iter("Say"))
    assert "young person, 16, waited 2 minutes" in said
    bridged = leg(call, "accept", adviser_leg, Digits="1")
    room = bridged.find("Dial/Conference").text
    [dequeued] = twilio.made("dequeue_member")
    assert dequeued["call_sid"] == call.call_sid  # THAT caller, not the front of the queue
    assert dequeued["url"].endswith(f"/voice/adviser/connect?call={call.call_sid}")
    caller_side = ET.fromstring(call.post(dequeued["url"]))
    assert caller_side.find("Dial/Conference").text == room
    events = [kind for kind, *_ in kinds_of(app, call.call_sid)]
    assert events.index("enqueued") < events.index("offered") < events.index("answered")

    call.hang_up()
    state = desk(sam)
    assert state["presence"]["status"] == "wrap_up"
    assert state["wrap_ups"] == [{"member": call.call_sid, "channel": "call",
                                  "queue": "young_people", "waited_seconds": 125}]
    done = sam.post(f"/console/api/contacts/{call.call_sid}/wrap-up", headers=sam.headers,
                    json={"outcome": "advice_given",
                          "note": "Talked about college; he said he left prison last year"})
    assert done.status_code == 200 and done.get_json()["restricted_removed"] is True
    assert done.get_json()["presence"]["status"] == "available"
    [(_, detail, text)] = [e for e in kinds_of(app, call.call_sid) if e[0] == "wrapped_up"]
    assert detail["outcome"] == "advice_given" and "prison" not in text


def test_a_declined_call_keeps_its_place_and_the_adviser_goes_away(app, clock, twilio):
    first = queued_young_person(app)
    clock.advance(5)
    second = queued_young_person(app)
    ann, _ = adviser(app, "ann")
    [ring] = twilio.made("create_call")
    assert ring["url"].endswith(first.call_sid)
    leg(first, "answer", "CA" + "b" * 32)
    leg(first, "accept", "CA" + "b" * 32, Digits="2")
    assert desk(ann)["presence"]["status"] == "away"
    redis_client = app.extensions["redis"]
    assert redis_client.zrange("ct:queue:young_people", 0, -1) == [first.call_sid,
                                                                   second.call_sid]
    bob, _ = adviser(app, "bob")
    assert twilio.made("create_call")[-1]["url"].endswith(first.call_sid)
    # Bob's phone rings out: he goes Away too, and the caller is still first in line.
    leg(first, "status", twilio_leg_sid(app, first), CallStatus="no-answer")
    assert desk(bob)["presence"]["status"] == "away"
    assert redis_client.zrange("ct:queue:young_people", 0, 0) == [first.call_sid]
    assert [k for k, *_ in kinds_of(app, first.call_sid)].count("offered") == 2


def twilio_leg_sid(app, call):
    state = app.extensions["voice"].store.load(call.call_sid)
    return state.plan["adviser"]["leg"]


def test_an_unreachable_phone_sends_the_adviser_away_without_losing_the_caller(app, twilio):
    twilio.fail_calls = True
    call = queued_young_person(app)
    kim, _ = adviser(app, "kim")
    assert desk(kim)["presence"] == {**desk(kim)["presence"], "status": "away",
                                     "reason": "phone unreachable"}
    assert app.extensions["redis"].zrange("ct:queue:young_people", 0, -1) == [call.call_sid]


def test_a_caller_who_hangs_up_while_the_adviser_rings_frees_the_adviser(app, twilio):
    call = queued_young_person(app)
    lee, _ = adviser(app, "lee")
    call.hang_up()
    [cancel] = twilio.made("update_call")
    assert cancel["status"] == "canceled"
    assert desk(lee)["presence"]["status"] == "available" and desk(lee)["contacts"] == []


def chat_to_queue(app):
    client = app.test_client()
    session_id = client.post("/api/chat/sessions").get_json()["session_id"]
    for text in ("/chat_need advice", "30", "M1 1AE", "I want to change career"):
        response = client.post(f"/api/chat/sessions/{session_id}/messages", json={"text": text})
        assert response.status_code == 200
        response.close()
    return client, session_id


def chat_lines(app, session_id):
    store = ChatStore(app.extensions["redis"], ttl_seconds=60, max_lines=100)
    return [(line["from"], line["text"]) for line in store.transcript(session_id)]


def test_a_chat_is_taken_replied_to_transferred_closed_and_wrapped_up(app, clock):
    sam, _ = adviser(app, "sam", queues=("adult_digital_advice",))
    customer, session_id = chat_to_queue(app)
    state = desk(sam)
    assert state["contacts"] == [{"member": session_id, "channel": "chat",
                                  "queue": "adult_digital_advice", "waited_seconds": 0}]
    # sam has no display name: the customer is told of an adviser, never the login name.
    assert ("system", "An adviser has joined the chat.") in chat_lines(app, session_id)
    pop = sam.get(f"/console/api/contacts/{session_id}").get_json()
    assert pop["channel"] == "webchat" and pop["destination"] == "adult_digital_advice"
    assert ("customer", "I want to change career") in [(x["from"], x["text"])
                                                        for x in pop["transcript"]]
    path = f"/console/api/chats/{session_id}"
    assert sam.post(f"{path}/messages", json={"text": "Hello, how can I help?"},
                    headers=sam.headers).status_code == 200
    canned = sam.post(f"{path}/messages", json={"canned": "greeting"}, headers=sam.headers)
    assert "talking to an adviser from" in canned.get_json()["text"]
    assert sam.post(f"{path}/messages", json={"canned": "nope"},
                    headers=sam.headers).status_code == 400
    lines = chat_lines(app, session_id)
    assert ("adviser", "Hello, how can I help?") in lines

    # Transfer: the customer is told and keeps their place by time waited.
    redis_client = app.extensions["redis"]
    clock.advance(30)
    _, later = chat_to_queue(app)
    redis_client.zadd("ct:queue:complaints", {"waiting-later": START.timestamp() + 100})
    redis_client.hset("ct:chat:waiting-later", "state", "queued")
    moved = sam.post(f"{path}/transfer", json={"queue": "complaints"}, headers=sam.headers)
    assert moved.status_code == 200
    assert redis_client.zrange("ct:queue:complaints", 0, -1)[0] == session_id
    assert ("system", "You are being transferred to an adviser who handles complaints and "
            "feedback. You keep your place: you will be next in line by the time you have "
            "waited.") in chat_lines(app, session_id)  # the words are config/chat.yaml's
    assert desk(sam)["contacts"][0]["member"] == later  # sam took the next advice chat

    pat, _ = adviser(app, "pat", queues=("complaints",))
    assert desk(pat)["contacts"][0]["member"] == session_id
    assert pat.post(f"{path}/messages", json={"text": "hi"}, headers=pat.headers).status_code == 200
    assert sam.post(f"{path}/close", headers=sam.headers).status_code == 403  # not sam's now
    assert pat.post(f"{path}/close", headers=pat.headers).status_code == 200
    assert ("system", "The adviser has ended the chat. Thank you for contacting the National "
            "Careers Service.") in chat_lines(app, session_id)
    state = desk(pat)
    [wrap] = state["wrap_ups"]  # named as the contact was: channel, queue, time waited
    assert wrap["member"] == session_id and wrap["channel"] == "chat"
    assert wrap["queue"] == "complaints" and wrap["waited_seconds"] >= 30
    assert pat.post(f"/console/api/contacts/{session_id}/wrap-up", json={"outcome": "bogus"},
                    headers=pat.headers).status_code == 400
    done = pat.post(f"/console/api/contacts/{session_id}/wrap-up",
                    json={"outcome": "complaint_logged"}, headers=pat.headers)
    assert done.status_code == 200 and done.get_json()["restricted_removed"] is False
    key = ChatStore(redis_client, ttl_seconds=60, max_lines=9).load(session_id).contact_key
    kinds = [k for k, *_ in kinds_of(app, key)]
    assert kinds.index("answered") < kinds.index("queue_changed") < kinds.index("wrapped_up")
    assert customer


def test_the_chat_position_estimate_uses_the_advisers_signed_in(app, clock):
    adviser(app, "away1", queues=("adult_digital_advice",), available=False)
    _, session_id = chat_to_queue(app)
    queue = app.extensions["redis"].zrank("ct:queue:adult_digital_advice", session_id)
    assert queue == 0  # nobody Available: the chat waits


def test_an_adviser_cannot_act_on_someone_elses_contact(app):
    sam, _ = adviser(app, "sam", queues=("adult_digital_advice",))
    _, session_id = chat_to_queue(app)
    other, _ = adviser(app, "other", queues=("complaints",))
    assert other.get(f"/console/api/contacts/{session_id}").status_code == 403
    assert other.post(f"/console/api/chats/{session_id}/messages", json={"text": "x"},
                      headers=other.headers).status_code == 403
    assert sam.get(f"/console/api/contacts/{session_id}").status_code == 200


def test_the_workers_round_places_a_contact_nobody_asked_about(app, settings, monkeypatch):
    from app.worker import dispatch_round
    from config import clock as centre_clock
    from routing.presence import Presence

    _, session_id = chat_to_queue(app)  # nobody is Available yet: the chat waits
    presence = Presence(app.extensions["redis"], clock=lambda: START.timestamp())
    presence.sign_on(42, queues=["adult_digital_advice"], chat_cap=2, endpoint=None)
    presence.set_mode(42, "available")
    # The worker's own app runs on its own clock, set to the same Monday morning from now
    # (CLOCK_START, as a worker process would be started); a fresh heartbeat on that clock.
    monkeypatch.delenv("CLOCK_STARTED_AT", raising=False)
    round_ = dispatch_round(settings.model_copy(update={"clock_start": START}))
    Presence(app.extensions["redis"], clock=lambda: centre_clock.now().timestamp()).heartbeat(42)
    app.extensions["redis"].hset("ct:adviser:42", "idle_since", 0)
    assert round_() == 1
    state = ChatStore(app.extensions["redis"], ttl_seconds=60, max_lines=9).load(session_id)
    assert state.state == "adviser"


def test_a_language_line_call_goes_to_an_adviser_with_that_language_and_three_way_advice(
        app, twilio):
    from tests.support.twilio import call_state, set_facts

    call = new_call(app)
    call.start()
    set_facts(app, call.call_sid, language="Polish")  # as the assistant would have heard it
    call.press("30")
    call.press("2")  # careers advice, in Polish: the Polish language line (000:L47, L129)
    assert call_state(app, call.call_sid)["plan"]["queue"] == "language_lines:polish"
    adviser(app, "yan", queues=("young_people", "adult_information", "language_lines"))
    assert twilio.made("create_call") == []  # not skilled for the Polish line
    ola, _ = adviser(app, "ola", queues=("language_lines:polish",))
    [ring] = twilio.made("create_call")
    assert ring["to"] == "client:ola"
    adviser_leg = "CA" + "c" * 32
    said = " ".join(s.text for s in leg(call, "answer", adviser_leg).iter("Say"))
    assert "speaks Polish" in said
    room = leg(call, "accept", adviser_leg, Digits="1").find("Dial/Conference").text
    added = ola.post(f"/console/api/calls/{call.call_sid}/interpreter", headers=ola.headers)
    assert added.status_code == 200 and added.get_json()["language"] == "Polish"
    interpreter = twilio.made("create_call")[-1]
    assert interpreter["to"] == "+441134960106"  # config/console.yaml: the Polish interpreters
    joined = leg(call, "interpreter", "CA" + "d" * 32)
    conference = joined.find("Dial/Conference")
    assert conference.text == room and conference.get("endConferenceOnExit") == "false"
    assert "interpreter_added" in [k for k, *_ in kinds_of(app, call.call_sid)]


def test_cli_and_accounts_know_the_language_line_queues(app):
    from console.accounts import AccountError, add_user

    user = add_user(app.extensions["engine"], username="ola2", password="Careers-2026",
                    role="adviser", queues=["language_lines:punjabi"])
    assert user.queues == ["language_lines:punjabi"]
    with pytest.raises(AccountError, match="unknown queue"):
        add_user(app.extensions["engine"], username="ola3", password="Careers-2026",
                 role="adviser", queues=["language_lines:klingon"])


def test_two_advisers_on_two_app_instances_race_for_one_chat_and_exactly_one_gets_it(
        app, settings, clock, twilio):
    import threading

    other_app = create_app(settings, voice_clock=clock, chat_clock=clock, twilio=twilio)
    a, _ = adviser(app, "amy", queues=("adult_digital_advice",), available=False)
    b, _ = adviser(other_app, "ben", queues=("adult_digital_advice",), available=False)
    _, session_id = chat_to_queue(app)
    start = threading.Barrier(2)

    def available(client):
        start.wait()
        go(client, "available")

    threads = [threading.Thread(target=available, args=(c,)) for c in (a, b)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    holders = [c for c in (a, b) if desk(c)["contacts"]]
    assert len(holders) == 1
    joined = [t for who, t in chat_lines(app, session_id) if "has joined the chat" in t]
    assert len(joined) == 1


def test_a_safeguarding_chats_pop_says_why_though_its_words_stay_redacted(app):
    customer = app.test_client()
    session_id = customer.post("/api/chat/sessions").get_json()["session_id"]
    words = "my friend has told me she's going to end her life tonight, she's planned it all"
    answer = customer.post(f"/api/chat/sessions/{session_id}/messages", json={"text": words})
    assert answer.get_json()["route"]["queue"] == "safeguarding"
    sam, _ = adviser(app, "sam", queues=("safeguarding",))
    assert desk(sam)["contacts"][0]["member"] == session_id
    pop = sam.get(f"/console/api/contacts/{session_id}").get_json()
    assert pop["concern"] == {"kind": "self_harm", "explicit": True, "about": "other"}
    assert pop["queue"] == "safeguarding"


def test_a_private_note_is_kept_redacted_on_the_contact_and_never_reaches_the_customer(app, clock):
    sam, _ = adviser(app, "sam", queues=("adult_digital_advice",))
    ada, _ = adviser(app, "ada", queues=("complaints",))
    _customer, session_id = chat_to_queue(app)
    path = f"/console/api/contacts/{session_id}/notes"
    done = sam.post(path, json={"text": "Wants a callback after 4pm; says she was in prison "
                                        "last year"}, headers=sam.headers)
    assert done.status_code == 201
    note = done.get_json()
    assert note["note"]["by"] == "sam" and "callback after 4pm" in note["note"]["text"]
    assert "prison" not in note["note"]["text"] and note["restricted_removed"] is True
    for bad in ({"text": ""}, {"text": "x" * 1001}, {"text": 3}, {}):
        assert sam.post(path, json=bad, headers=sam.headers).status_code == 400
    assert ada.post(path, json={"text": "mine"}, headers=ada.headers).status_code == 403

    pop = sam.get(f"/console/api/contacts/{session_id}").get_json()
    assert [n["text"] for n in pop["notes"]] == [note["note"]["text"]]
    assert not any("4pm" in text for _who, text in chat_lines(app, session_id))
    contact_key = ChatStore(app.extensions["redis"], ttl_seconds=60,
                            max_lines=100).load(session_id).contact_key
    with Session(app.extensions["engine"]) as session:
        kinds = [e.kind for e in timeline(session=session, contact_key=contact_key)]
    assert "adviser_note" in kinds
