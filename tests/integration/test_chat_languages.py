"""The webchat offers the language lines at the start; a choice queues the chat for that line.

Real Redis and the database, the assistant switched off (menu) and on (000:L47, L129).
"""

from __future__ import annotations

from ivr.chat.store import ChatStore
from tests.integration.test_chat_api import make_app, say, start, transcript
from tests.support.browser import LATE_EVENING

LANGUAGES = "/chat_languages"


def _chat(app, session_id):
    return ChatStore(app.extensions["redis"], ttl_seconds=60, max_lines=9).load(session_id)


def _greeting_buttons(app, session_id) -> list[dict]:
    return transcript(app, session_id)[0]["buttons"]


def test_the_first_message_offers_another_language_and_a_choice_queues_for_that_line(
        settings, redis_client):
    app = make_app(settings)
    client = app.test_client()
    session_id = start(client)
    assert {"title": "Another language", "payload": LANGUAGES} in _greeting_buttons(app, session_id)
    listed = say(client, session_id, LANGUAGES)
    titles = [b["title"] for b in listed["messages"][-1]["buttons"]]
    assert "Polski (Polish)" in titles and "ગુજરાતી (Gujarati)" in titles and len(titles) == 8
    answer = say(client, session_id, "/chat_language Polish")
    assert answer["route"]["destination"] == "language_line"
    assert answer["route"]["action"] == "enqueue"
    chat = _chat(app, session_id)
    assert chat.state == "queued" and chat.queue_id == "language_lines:polish"


def test_with_the_assistant_on_the_language_choice_comes_before_it(settings, redis_client):
    app = make_app(settings)

    class Assistant:
        def send(self, *args, **kwargs):
            raise AssertionError("the assistant was asked")

    # The chat service reads its assistant from the app's connections.
    app.extensions["rasa"] = Assistant()
    client = app.test_client()
    session_id = start(client)
    assert _greeting_buttons(app, session_id) == [{"title": "Another language",
                                                   "payload": LANGUAGES}]
    say(client, session_id, LANGUAGES)
    say(client, session_id, "/chat_language French")
    chat = _chat(app, session_id)
    assert chat.queue_id == "language_lines:french"


def test_a_language_not_on_offer_is_not_taken_as_a_choice(settings, redis_client):
    app = make_app(settings)
    client = app.test_client()
    session_id = start(client)
    answer = say(client, session_id, "/chat_language Klingon")  # never offered
    assert answer["route"] is None
    chat = _chat(app, session_id)
    assert "language" not in chat.facts


def test_a_closed_language_line_offers_a_callback_instead(settings, redis_client):
    app = make_app(settings, at=LATE_EVENING)  # the language lines close at 17:00 or 20:00
    client = app.test_client()
    session_id = start(client)
    say(client, session_id, LANGUAGES)
    answer = say(client, session_id, "/chat_language Polish")
    assert answer["route"]["action"] == "cold_transfer"
    assert answer["route"]["destination"] == "language_line"
