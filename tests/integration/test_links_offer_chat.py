"""The links of the information the assistant gave, offered in the chat by text or e-mail (000:L21),
through the emulator on PostgreSQL and Redis: after the answer, "Text me the links" asks for the
number, a bad one is asked for once more, and the worker's round texts the title and link only;
the number is never in the transcript or on the timeline; "No thanks" arranges nothing; a second
bad address drops the offer.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import requests
from sqlmodel import Session, select

from config.settings import Settings
from engine.knowledge import assistant_responses
from ivr.chat.config import load_chat_config
from ivr.chat.links_offer import EMAIL, NO, SMS
from ivr.chat.store import ChatStore
from ivr.messaging.confirmations import send_due
from models.confirmations import InformationConfirmation
from models.contacts import timeline
from models.db import make_engine
from tests.support.browser import WEEKDAY_MORNING, moving_clock
from tests.support.databases import TEST_REDIS_URL, truncate_all
from tests.support.emulator import eventually, live_voice_app

WORDS = load_chat_config()
COURSES = next(v["text"] for v in assistant_responses()["utter_info_courses"]
               if "condition" not in v)  # the written variant


class CoursesAssistant:
    """A scripted assistant: it gives the courses article's written answer."""

    def send(self, sender, text, metadata=None, timeout=None):
        return [{"text": COURSES},
                {"custom": {"triage": {"decision": {"destination": "adult_information"},
                                       "facts": {"age": 30, "need": "information"}}}}]


@pytest.fixture
def live(postgres_url, redis_client):
    engine = make_engine(postgres_url)
    truncate_all(engine)
    settings = Settings(app_env="test", database_url=postgres_url, redis_url=TEST_REDIS_URL,
                        rasa_enabled=False, _env_file=None)
    clock = moving_clock(WEEKDAY_MORNING)
    with live_voice_app(settings, voice_clock=clock, chat_clock=clock, figures_clock=clock,
                        engine=engine, rasa=CoursesAssistant()) as running:
        yield running
    engine.dispose()


def _say(client, session_id, text):
    response = client.post(f"/api/chat/sessions/{session_id}/messages", json={"text": text})
    assert response.status_code == 200, response.get_json()
    return [m["text"] for m in response.get_json()["messages"]], response.get_json()


def _informed(live):
    client = live.app.test_client()
    session_id = client.post("/api/chat/sessions").get_json()["session_id"]
    said, answer = _say(client, session_id, "where can I find a course in welding")
    assert COURSES in said and said[-1] == WORDS.text("links_offer")
    buttons = answer["messages"][-1]["buttons"]
    assert [b["payload"] for b in buttons] == [SMS, EMAIL, NO]
    assert [b["title"] for b in buttons] == ["Text me the links", "Email me the links", "No thanks"]
    return client, session_id


def _confirmations(live):
    with Session(live.app.extensions["engine"]) as session:
        return list(session.exec(select(InformationConfirmation)).all())


def _key(live, session_id):
    return ChatStore(live.app.extensions["redis"], ttl_seconds=60, max_lines=9).load(
        session_id).contact_key


def test_text_me_the_links_asks_for_a_mobile_and_the_worker_texts_them(live):
    client, session_id = _informed(live)
    assert _say(client, session_id, SMS)[0] == [WORDS.text("links_ask_sms")]
    assert _say(client, session_id, "01134960123")[0] == [WORDS.text("links_bad_sms")]
    assert _say(client, session_id, "07400 123456")[0] == [WORDS.text("links_agreed_sms")]
    [row] = _confirmations(live)
    assert (row.articles, row.notify, row.phone) == (["courses"], "sms", "+447400123456")

    with live.app.app_context():
        assert send_due(WEEKDAY_MORNING + timedelta(minutes=1)) == 1
    [text] = eventually(lambda: requests.get(f"{live.emulator.url}/_emulator/messages",
                                             timeout=5).json()["messages"])
    assert text["to"] == "+447400123456" and "welding" not in text["body"]
    assert "https://nationalcareers.service.gov.uk/find-a-course" in text["body"]
    # The number typed is never shown back or recorded: a placeholder stands in.
    lines = ChatStore(live.app.extensions["redis"], ttl_seconds=60, max_lines=100).transcript(
        session_id)
    assert not any("123456" in line["text"] or "4960123" in line["text"] for line in lines)
    with Session(live.app.extensions["engine"]) as session:
        events = timeline(session=session, contact_key=_key(live, session_id))
    assert not any("123456" in f"{e.text} {e.detail}" for e in events)
    assert "confirmation_arranged" in [e.kind for e in events]


def test_no_thanks_arranges_nothing_and_a_second_bad_address_drops_the_offer(live):
    client, session_id = _informed(live)
    assert _say(client, session_id, NO)[0] == [WORDS.text("links_declined")]
    client, session_id = _informed(live)
    assert _say(client, session_id, EMAIL)[0] == [WORDS.text("links_ask_email")]
    assert _say(client, session_id, "fred.example.com")[0] == [WORDS.text("links_bad_email")]
    assert _say(client, session_id, "still@not")[0] == [WORDS.text("links_dropped")]
    assert _confirmations(live) == []
