"""A chat waiting for an adviser still listens (real assistant): a correction or a new fact said
while queued re-takes the decision; when the route changes the chat moves, keeping its time
waited, the customer is told, and the timeline and the adviser's screen pop show the change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from app import create_app
from config.settings import Settings
from ivr.chat.config import load_chat_config
from ivr.chat.store import ChatStore
from models import keys
from models.contacts import timeline
from tests.support.browser import WEEKDAY_MORNING
from tests.support.databases import TEST_REDIS_URL
from tests.support.rasa import assistant_url  # noqa: F401  (a fixture)

pytestmark = pytest.mark.rasa


class Clock:
    """The chat's clock, moved on by the test (a customer waiting a while)."""

    def __init__(self) -> None:
        self.at = WEEKDAY_MORNING

    def __call__(self):
        return self.at


@pytest.fixture
def clock():
    return Clock()


@pytest.fixture
def app(sqlite_url, assistant_url, redis_client, clock):  # noqa: F811
    settings = Settings(app_env="test", database_url=sqlite_url, redis_url=TEST_REDIS_URL,
                        rasa_url=assistant_url, rasa_timeout_seconds=10.0, _env_file=None)
    config = load_chat_config().model_copy(update={"stream_seconds": 5})
    return create_app(settings, chat_clock=clock, chat_config=config)


def say(client, session_id: str, text: str) -> dict:
    response = client.post(f"/api/chat/sessions/{session_id}/messages", json={"text": text})
    assert response.status_code == 200
    return response.get_json()


def words(answer: dict) -> str:
    return " ".join(message["text"] for message in answer["messages"])


def session(app, session_id: str):
    return ChatStore(app.extensions["redis"], ttl_seconds=60, max_lines=9).load(session_id)


def joined_at(redis_client, queue: str, session_id: str) -> float | None:
    return redis_client.zscore(keys.key(keys.QUEUE, queue_id=queue), session_id)


def events(app, session_id: str) -> list:
    with Session(app.extensions["engine"]) as db:
        return list(timeline(session=db, contact_key=session(app, session_id).contact_key))


def queued_adult(app, clock) -> tuple:
    client = app.test_client()
    session_id = client.post("/api/chat/sessions").get_json()["session_id"]
    say(client, session_id, "I'd like some careers advice")
    say(client, session_id, "I'm 71")
    answer = say(client, session_id, "LS1 4AP")
    assert answer["route"]["queue"] == "adult_digital_advice"  # 001:5.3
    return client, session_id


def test_a_correction_while_waiting_moves_the_chat_keeping_its_time_waited(app, clock,
                                                                           redis_client):
    client, session_id = queued_adult(app, clock)
    joined = joined_at(redis_client, "adult_digital_advice", session_id)
    assert joined is not None
    clock.at += timedelta(minutes=3)  # the customer has waited three minutes

    answer = say(client, session_id, "sorry I'm 17 not 71")

    # The route changed: the young people's team (001:5.2), with the place by time waited kept.
    assert answer["route"]["destination"] == "young_people_service"
    assert answer["route"]["queue"] == "young_people"
    assert joined_at(redis_client, "adult_digital_advice", session_id) is None
    assert joined_at(redis_client, "young_people", session_id) == joined
    assert "keep your place" in words(answer)
    chat = session(app, session_id)
    assert (chat.state, chat.queue_id) == ("queued", "young_people")
    assert chat.facts["age"] == 17 and chat.decision["destination"] == "young_people_service"
    # The timeline says so: a new decision and the move, with why.
    moved = [e for e in events(app, session_id) if e.kind == "queue_changed"]
    assert [(e.detail["from"], e.detail["to"], e.detail["reason"]) for e in moved] == [
        ("adult_digital_advice", "young_people", "customer_update")]
    triaged = [e.detail for e in events(app, session_id) if e.kind == "triaged"]
    assert len(triaged) == 2 and triaged[-1]["reason"] == "customer_update"


def test_the_adviser_screen_pop_shows_the_new_route(app, clock):
    from console.screen_pop import _chat

    client, session_id = queued_adult(app, clock)
    say(client, session_id, "sorry I'm 17 not 71")
    with app.app_context():
        facts, decision, _key, transcript, queue, _concern = _chat(session_id)
    assert decision["destination"] == "young_people_service" and facts["age"] == 17
    assert queue == "young_people"
    assert any("keep your place" in line["text"] for line in transcript)


def test_a_message_that_changes_nothing_leaves_the_chat_waiting(app, clock, redis_client):
    client, session_id = queued_adult(app, clock)
    joined = joined_at(redis_client, "adult_digital_advice", session_id)

    for text in ("how long will this take?", "ok thanks, bye for now"):
        answer = say(client, session_id, text)
        assert answer["route"] is None or answer["route"]["queue"] == "adult_digital_advice"

    chat = session(app, session_id)
    assert (chat.state, chat.queue_id) == ("queued", "adult_digital_advice")  # not ended
    assert joined_at(redis_client, "adult_digital_advice", session_id) == joined
    assert "queue_changed" not in [e.kind for e in events(app, session_id)]


def test_staying_anonymous_while_waiting_leaves_the_queue_for_information(app, clock,
                                                                         redis_client):
    client, session_id = queued_adult(app, clock)

    answer = say(client, session_id, "actually I'd rather not give my details")

    # 000:L68: an anonymous customer is given information, not advice.
    assert answer["route"]["destination"] == "adult_information"
    assert answer["route"]["action"] == "self_serve"
    assert joined_at(redis_client, "adult_digital_advice", session_id) is None
    assert session(app, session_id).state == "triage"
    left = [e.detail for e in events(app, session_id) if e.kind == "left_queue"]
    assert left == [{"queue": "adult_digital_advice", "reason": "customer_update"}]


@pytest.fixture
def identifying_app(sqlite_url, assistant_url, redis_client, clock):  # noqa: F811
    settings = Settings(app_env="test", database_url=sqlite_url, redis_url=TEST_REDIS_URL,
                        rasa_url=assistant_url, rasa_timeout_seconds=10.0, identity_checks=True,
                        _env_file=None)
    return create_app(settings, chat_clock=clock)


def at_the_surname_question(app) -> tuple:
    client = app.test_client()
    session_id = client.post("/api/chat/sessions").get_json()["session_id"]
    say(client, session_id, "I'd like some careers advice")
    say(client, session_id, "I'm 71")
    answer = say(client, session_id, "LS1 4AP")
    assert "What is your surname?" in words(answer)  # an adviser's route asks who they are
    return client, session_id


def test_a_correction_typed_at_the_identity_question_moves_the_chat(identifying_app):
    client, session_id = at_the_surname_question(identifying_app)

    answer = say(client, session_id, "sorry im actually 17 not 71, i typed it wrong")

    chat = session(identifying_app, session_id)
    assert chat.route["destination"] == "young_people_service"  # 001:5.2
    assert chat.state == "queued" and chat.queue_id.startswith("young_people")
    assert "surname" not in words(answer)  # the young people's team asks no details first
    shown = [m["text"] for m in ChatStore(identifying_app.extensions["redis"], ttl_seconds=60,
                                          max_lines=50).transcript(session_id)]
    assert "sorry im actually 17 not 71, i typed it wrong" in shown  # the words, not [name]
    triaged = [e for e in events(identifying_app, session_id) if e.kind == "triaged"]
    assert triaged[-1].detail["reason"] == "customer_update"


def test_a_goodbye_at_the_identity_question_ends_the_chat_politely(identifying_app):
    client, session_id = at_the_surname_question(identifying_app)

    answer = say(client, session_id, "ok thanks, bye")

    assert "Goodbye" in words(answer)
    assert session(identifying_app, session_id).state == "ended"


def test_a_surname_is_still_a_surname(identifying_app):
    client, session_id = at_the_surname_question(identifying_app)

    answer = say(client, session_id, "Smith")

    assert "first name" in words(answer)
    assert session(identifying_app, session_id).state == "identity"
