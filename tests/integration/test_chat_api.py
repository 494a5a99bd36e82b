"""The Chat API contract on real Redis and the database, with the assistant switched off (menu).

Every destination of 001:5.3 and 5.6 on chat, durable callbacks out of
hours (000:L19), one contact per session with redacted turns, and every bad input the issue lists.
"""

from __future__ import annotations

import json

import pytest
from sqlmodel import Session, select

from app import create_app
from ivr.chat.config import Limit, load_chat_config
from ivr.chat.store import ChatStore
from models.callbacks import Callback
from models.contacts import timeline
from models.records import Contact
from routing.closures import EmergencyClosures
from tests.support.browser import LATE_EVENING, WEEKDAY_MORNING, moving_clock


def make_app(settings, at=WEEKDAY_MORNING, **config_changes):
    config = load_chat_config().model_copy(update=config_changes)
    return create_app(settings, chat_clock=moving_clock(at), chat_config=config)


@pytest.fixture
def chat(settings, redis_client):
    return make_app(settings)


def start(client) -> str:
    response = client.post("/api/chat/sessions")
    assert response.status_code == 201
    return response.get_json()["session_id"]


def say(client, session_id: str, text: str, status: int = 200) -> dict:
    response = client.post(f"/api/chat/sessions/{session_id}/messages", json={"text": text})
    assert response.status_code == status, response.get_json()
    return response.get_json()


def converse(client, *texts: str) -> tuple[str, dict]:
    session_id = start(client)
    answer = {}
    for text in texts:
        answer = say(client, session_id, text)
    return session_id, answer


def transcript(app, session_id: str) -> list[dict]:
    store = ChatStore(app.extensions["redis"], ttl_seconds=60, max_lines=100)
    return store.transcript(session_id)


def contact_kinds(app, session_id: str) -> list[str]:
    key = contact_key(app, session_id)
    with Session(app.extensions["engine"]) as db:
        return [event.kind for event in timeline(session=db, contact_key=key)]


def contact_key(app, session_id: str) -> str:
    store = ChatStore(app.extensions["redis"], ttl_seconds=60, max_lines=9)
    return store.load(session_id).contact_key


def callbacks(app) -> list[Callback]:
    with Session(app.extensions["engine"]) as db:
        return list(db.exec(select(Callback)).all())


def test_a_session_is_created_with_an_unguessable_id_and_a_greeting(chat):
    client = chat.test_client()
    session_id = start(client)
    assert len(session_id) == 43  # secrets.token_urlsafe(32): 256 bits
    assert start(client) != session_id
    lines = transcript(chat, session_id)
    assert lines[0]["from"] == "assistant" and "What can we help you with" in lines[0]["text"]
    # information, advice, face to face, complaint, adviser; and another language (000:L47)
    assert len(lines[0]["buttons"]) == 6
    assert contact_kinds(chat, session_id)[0] == "started"


def test_the_reply_has_the_contract_shape(chat):
    _, answer = converse(chat.test_client(), "/chat_need advice")
    assert set(answer) == {"messages", "route"} and answer["route"] is None
    for message in answer["messages"]:
        assert set(message) == {"text", "buttons"}
        assert all(set(button) == {"title", "payload"} for button in message["buttons"])


def test_adult_advice_on_chat_waits_for_the_contact_centres_advisers(chat):  # 001:5.3 exception
    session_id, answer = converse(chat.test_client(), "/chat_need advice", "30", "M1 1AA")
    assert answer["route"] == {"action": "enqueue", "destination": "adult_digital_advice",
                               "queue": "adult_digital_advice"}
    assert chat.extensions["redis"].zscore("ct:queue:adult_digital_advice", session_id)
    assert "enqueued" in contact_kinds(chat, session_id)


def test_young_person_waits_for_the_young_peoples_advisers(chat):  # 001:5.2, 5.4
    _, answer = converse(chat.test_client(), "/chat_need advice", "/chat_age 16")
    assert answer["route"]["queue"] == "young_people"


def test_information_is_answered_with_an_adviser_one_button_away(chat):  # 001:5.5
    client = chat.test_client()
    session_id, answer = converse(client, "/chat_need information", "40")
    assert answer["route"]["action"] == "self_serve"
    texts = [m["text"] for m in answer["messages"]]
    assert any("courses, apprenticeships" in t for t in texts)
    assert answer["messages"][-1]["buttons"] == [{"title": "Speak to an adviser",
                                                  "payload": "/chat_handover"}]
    answer = say(client, session_id, "/chat_handover")
    assert (answer["route"]["action"], answer["route"]["queue"]) == ("enqueue", "adult_information")


def test_face_to_face_in_chat_is_a_cold_transfer_with_a_durable_callback(chat):  # 001:5.6
    client = chat.test_client()
    session_id, answer = converse(client, "/chat_need face_to_face", "30", "M1 1AA")
    route = answer["route"]
    assert (route["action"], route["contractor"]) == ("cold_transfer", "north-west")
    assert "leave a phone number or email" in answer["messages"][-1]["text"].lower()
    answer = say(client, session_id, "please ring me on 07700 900123")
    assert "will contact you by" in answer["messages"][-1]["text"]
    [callback] = callbacks(chat)
    assert (callback.contractor_id, callback.phone, callback.source) == (
        "north-west", "+447700900123", "cold_transfer")
    assert callback.summary["decision"]["destination"] == "prime_contractor_face_to_face"
    # The number is kept only on the callback: the transcript and the timeline hold it redacted.
    assert "07700" not in json.dumps(transcript(chat, session_id))
    assert "callback_created" in contact_kinds(chat, session_id)


def test_complaint_waits_in_the_complaints_queue(chat):  # 001:32.2
    _, answer = converse(chat.test_client(), "/chat_need complaint")
    assert answer["route"]["queue"] == "complaints"


def test_under_13_is_signposted_to_school(chat):  # 001:1.1
    _, answer = converse(chat.test_client(), "/chat_need advice", "/chat_age 12")
    assert answer["route"]["action"] == "signpost"
    assert "school" in answer["messages"][-1]["text"]


def test_out_of_hours_the_customer_leaves_an_email_for_a_callback(settings, redis_client):
    app = make_app(settings, at=LATE_EVENING)  # 000:L19: alternatives to queuing out of hours
    client = app.test_client()
    session_id, answer = converse(client, "/chat_need advice", "30", "M1 1AA")
    assert answer["route"]["action"] == "cold_transfer"
    assert answer["route"]["callback_queue"] == "adult_digital_advice"
    answer = say(client, session_id, "not a number")
    assert "does not look like" in answer["messages"][-1]["text"]
    say(client, session_id, "sam@example.org")
    [callback] = callbacks(app)
    assert (callback.queue_id, callback.email, callback.source) == (
        "adult_digital_advice", "sam@example.org", "out_of_hours")
    # Due by the end of the contact centre's next opening period: 22:00 the next day.
    assert callback.due_at.astimezone(LATE_EVENING.tzinfo).hour == 22


def test_an_emergency_closure_of_the_contact_centre_turns_the_queue_into_a_callback(chat):
    EmergencyClosures(chat.extensions["redis"]).close("contact_centre", reason="fire drill",
                                                      set_by="test")
    _, answer = converse(chat.test_client(), "/chat_need advice", "30", "M1 1AA")
    assert answer["route"]["action"] == "cold_transfer"


def test_waiting_customer_can_ask_for_a_callback_instead(chat):  # 000:L19, L21
    client = chat.test_client()
    session_id, _ = converse(client, "/chat_need advice", "30", "M1 1AA")
    answer = say(client, session_id, "/chat_callback")
    assert "phone number or email" in answer["messages"][-1]["text"]
    assert not chat.extensions["redis"].zscore("ct:queue:adult_digital_advice", session_id)
    say(client, session_id, "07700 900456")
    [callback] = callbacks(chat)
    assert callback.source == "customer_request" and callback.queue_id == "adult_digital_advice"


def test_ending_in_the_queue_is_recorded_as_abandoned(chat):
    client = chat.test_client()
    session_id, _ = converse(client, "/chat_need advice", "30", "M1 1AA")
    assert client.delete(f"/api/chat/sessions/{session_id}").get_json() == {"ended": True}
    assert not chat.extensions["redis"].zscore("ct:queue:adult_digital_advice", session_id)
    kinds = contact_kinds(chat, session_id)
    assert "abandoned" in kinds and kinds[-1] == "ended"
    answer = say(client, session_id, "hello?")
    assert "chat has ended" in answer["messages"][0]["text"]


def test_one_contact_per_session_with_every_turn_redacted(chat):
    client = chat.test_client()
    session_id, _ = converse(client, "my name is Alex Smith, post code SW1A 1AA", "advice")
    key = contact_key(chat, session_id)
    with Session(chat.extensions["engine"]) as db:
        assert len(db.exec(select(Contact).where(Contact.key == key)).all()) == 1
        said = [e.text for e in timeline(session=db, contact_key=key) if e.kind == "customer_said"]
    assert said[0] == "my name is [name], post code [postcode]"
    assert "Alex" not in json.dumps(transcript(chat, session_id))


def test_markup_is_kept_as_text(chat):
    client = chat.test_client()
    session_id, _ = converse(client, "<script>alert('x')</script>")
    assert transcript(chat, session_id)[1]["text"] == "<script>alert('x')</script>"


def test_events_stream_replays_the_conversation_and_resumes_after_an_id(settings, redis_client):
    app = make_app(settings, stream_seconds=0.5, poll_milliseconds=100)
    client = app.test_client()
    session_id, _ = converse(client, "/chat_need advice", "30", "M1 1AA")
    response = client.get(f"/api/chat/sessions/{session_id}/events")
    assert response.status_code == 200 and response.mimetype == "text/event-stream"
    body = response.get_data(as_text=True)
    ids = [line[4:] for line in body.splitlines() if line.startswith("id: ")]
    assert "event: status" in body and '"state": "queued"' in body
    assert '"position": 1' in body and "estimated_wait_minutes" in body
    resumed = client.get(f"/api/chat/sessions/{session_id}/events",
                         headers={"Last-Event-ID": ids[-3]}).get_data(as_text=True)
    assert [line[4:] for line in resumed.splitlines() if line.startswith("id: ")] == ids[-2:]


BAD_BODIES = [
    ({"json": {"text": ""}}, 400, "empty"),
    ({"json": {"text": "  "}}, 400, "empty"),
    ({"json": {"text": "x" * 1001}}, 400, "longer than 1000"),
    ({"data": "not json", "content_type": "application/json"}, 400, "not valid JSON"),
    ({"data": "text=hi", "content_type": "application/x-www-form-urlencoded"}, 400, "JSON"),
    ({"json": ["hi"]}, 400, '"text"'),
    ({"json": {"text": None}}, 400, "string"),
]


@pytest.mark.parametrize(("request_args", "status", "reason"), BAD_BODIES)
def test_bad_input_answers_400_with_a_reason(chat, request_args, status, reason):
    client = chat.test_client()
    session_id = start(client)
    response = client.post(f"/api/chat/sessions/{session_id}/messages", **request_args)
    assert response.status_code == status
    assert reason in response.get_json()["error"]


@pytest.mark.parametrize("session_id", ["x" * 43, "nope", "A" * 200, "..%2F..%2Fetc"])
def test_unknown_sessions_answer_404(chat, session_id):
    client = chat.test_client()
    for response in (client.post(f"/api/chat/sessions/{session_id}/messages", json={"text": "hi"}),
                     client.get(f"/api/chat/sessions/{session_id}/events"),
                     client.delete(f"/api/chat/sessions/{session_id}")):
        assert response.status_code == 404 and response.get_json()["error"]


def test_too_many_messages_in_one_session_answer_429(settings, redis_client):
    app = make_app(settings, session_messages=Limit(3, 60))
    client = app.test_client()
    session_id = start(client)
    for _ in range(3):
        say(client, session_id, "hello")
    response = client.post(f"/api/chat/sessions/{session_id}/messages", json={"text": "hello"})
    assert response.status_code == 429 and int(response.headers["Retry-After"]) >= 1
    assert "too many" in response.get_json()["error"]
    assert say(client, start(client), "hello")  # another chat is unaffected


def test_too_many_requests_from_one_address_answer_429(settings, redis_client):
    app = make_app(settings, address_sessions=Limit(2, 60), address_messages=Limit(4, 60))
    client = app.test_client()
    first, second = start(client), start(client)
    assert client.post("/api/chat/sessions").status_code == 429
    for _ in range(2):
        say(client, first, "hello")
        say(client, second, "hello")
    assert say(client, first, "hello", status=429)["status"] == 429
    other = app.test_client()
    response = other.post("/api/chat/sessions", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert response.status_code == 201


def test_one_ipv6_64_is_one_address_for_the_limits(settings, redis_client):
    """A customer given a /64 cannot dodge the limit by changing the low 64 bits each time."""
    app = make_app(settings, address_sessions=Limit(2, 60))
    client = app.test_client()
    statuses = [client.post("/api/chat/sessions",
                            environ_base={"REMOTE_ADDR": f"2001:db8:5:6::{n:x}"}).status_code
                for n in range(1, 5)]
    assert statuses == [201, 201, 429, 429]
    elsewhere = client.post("/api/chat/sessions", environ_base={"REMOTE_ADDR": "2001:db8:5:7::1"})
    assert elsewhere.status_code == 201


def test_the_api_can_be_called_from_the_sites_that_embed_the_widget(chat):
    response = chat.test_client().options("/api/chat/sessions",
                                          headers={"Origin": "https://example.org"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]


def test_the_demo_website_carries_the_widget_by_one_script_tag(chat):
    client = chat.test_client()
    page = client.get("/").get_data(as_text=True)
    assert page.count('<script src="/chat/static/widget.js" defer></script>') == 1
    assert client.get("/chat/static/widget.js").status_code == 200
    assert client.get("/chat/static/widget.css").status_code == 200


def test_when_the_assistant_is_down_the_chat_carries_on_with_buttons(settings, redis_client):
    from tests.support.browser import free_port

    down = settings.model_copy(update={"rasa_enabled": True,
                                       "rasa_url": f"http://127.0.0.1:{free_port()}"})
    app = make_app(down)
    client = app.test_client()
    session_id = start(client)
    answer = say(client, session_id, "I would like some careers advice")
    texts = [m["text"] for m in answer["messages"]]
    assert texts[0] == load_chat_config().text("assistant_unavailable")
    assert texts[-1].startswith("How old are you?")  # the menu understood "advice" already
    assert say(client, session_id, "27")["route"] is None  # where they live comes first
    assert say(client, session_id, "NE1 4ST")["route"]["queue"] == "adult_digital_advice"
