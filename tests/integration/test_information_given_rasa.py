"""The assistant's information answer records the article it gave (through the real assistant),
so the adviser's wrap-up can confirm it in writing (000:L21; engine.confirmations)."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from app import create_app
from config.settings import Settings
from ivr.chat.store import ChatStore
from models.contacts import timeline
from tests.support.browser import WEEKDAY_MORNING, moving_clock
from tests.support.databases import TEST_REDIS_URL
from tests.support.rasa import assistant_url  # noqa: F401  (a fixture)

pytestmark = pytest.mark.rasa


@pytest.fixture
def app(sqlite_url, assistant_url, redis_client):  # noqa: F811
    settings = Settings(app_env="test", database_url=sqlite_url, redis_url=TEST_REDIS_URL,
                        rasa_url=assistant_url, rasa_timeout_seconds=10.0, _env_file=None)
    return create_app(settings, chat_clock=moving_clock(WEEKDAY_MORNING))


def test_the_course_answer_is_recorded_as_the_course_search_article(app):
    client = app.test_client()
    session_id = client.post("/api/chat/sessions").get_json()["session_id"]
    for text in ("how do I find a course?", "45"):
        assert client.post(f"/api/chat/sessions/{session_id}/messages",
                           json={"text": text}).status_code == 200
    key = ChatStore(app.extensions["redis"], ttl_seconds=60, max_lines=9).load(
        session_id).contact_key
    with Session(app.extensions["engine"]) as db:
        given = [e.detail for e in timeline(session=db, contact_key=key)
                 if e.kind == "information_given"]
    assert given == [{"articles": ["courses"]}]
