"""The website's "call me" form on real Redis, SQLite and PostgreSQL (contract: Website forms).

A valid request becomes a durable callback in the contact centre's website-callback queue, due at
the end of the chosen window; every bad field gets a clear error and stores nothing; limits per
address and per number answer 429 with Retry-After; the honeypot stores nothing.
"""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlmodel import Session, select

from app import create_app
from config.settings import Settings
from ivr.chat.config import Limit
from ivr.forms.config import load_forms_config
from models.callbacks import Callback
from models.contacts import timeline
from models.records import Contact
from tests.support.browser import moving_clock
from tests.support.databases import TEST_REDIS_URL
from tests.support.twilio import WEEKDAY_MORNING

# WEEKDAY_MORNING is a Monday at 10:00 in London: the contact centre is open until 22:00.
START = "2026-03-02T14:00:00+00:00"
END = "2026-03-02T16:00:00+00:00"


def forms_app(database_url, engine, **extensions):
    """The app on an emptied database (`engine`) at WEEKDAY_MORNING."""
    settings = Settings(app_env="test", database_url=database_url, redis_url=TEST_REDIS_URL,
                        rasa_enabled=False, _env_file=None)
    return create_app(settings, engine=engine, chat_clock=moving_clock(WEEKDAY_MORNING),
                      **extensions)


@pytest.fixture
def app(database_url, engine, redis_client):
    return forms_app(database_url, engine)


def stored(app) -> list[Callback]:
    with Session(app.extensions["engine"]) as session:
        return list(session.exec(select(Callback)))


def ask(client, **changes):
    body = {"phone": "0113 496 0456", "window": {"start": START, "end": END},
            "about": "changing career"} | changes
    return client.post("/api/call-me", json=body)


def test_a_request_becomes_a_callback_due_at_the_end_of_the_window(app):
    response = ask(app.test_client())
    assert response.status_code == 201, response.get_json()
    answer = response.get_json()
    assert answer["due"] == END
    [callback] = stored(app)
    assert callback.id == answer["callback_id"] and callback.queue_id == "website_callbacks"
    assert callback.phone == "+441134960456" and callback.status == "pending"
    assert callback.due_at == datetime.fromisoformat(END)
    # Not offered to an adviser before the window opens.
    assert callback.available_at == datetime.fromisoformat(START)
    assert callback.summary["window"]["start"] == START and callback.reason == "changing career"
    with Session(app.extensions["engine"]) as session:
        contact = session.exec(select(Contact)).one()
        kinds = [e.kind for e in timeline(session=session, contact_key=contact.key)]
    assert contact.channel == "webform" and kinds == ["started", "callback_created"]


@pytest.mark.parametrize(("change", "field"), [
    ({"phone": "not a number"}, "phone"),
    ({"phone": "+33 1 23 45 67 89"}, "phone"),            # not a UK number
    ({"phone": "09098 790000"}, "phone"),                 # premium rate: the centre pays
    ({"phone": ""}, "phone"),
    ({"phone": 441134960456}, "phone"),
    ({"window": {"start": "2026-03-02T21:00:00+00:00", "end": "2026-03-02T23:00:00+00:00"}},
     "window"),                                           # 22:00 London is closing time
    ({"window": {"start": "2026-12-25T10:00:00+00:00", "end": "2026-12-25T12:00:00+00:00"}},
     "window"),                                           # Christmas Day (001:1.3)
    ({"window": {"start": "soon", "end": END}}, "window"),
    ({"window": {"start": END, "end": START}}, "window"),
    ({"about": "x" * 501}, "about"),
    ({"about": 42}, "about"),
])
def test_bad_fields_are_refused_by_name_and_nothing_is_stored(app, change, field):
    response = ask(app.test_client(), **change)
    assert response.status_code == 400
    assert field in response.get_json()["fields"] and response.get_json()["error"]
    assert stored(app) == []


@pytest.mark.parametrize("body", [None, [], "text", {"phone": "0113 496 0456"}])
def test_a_body_that_is_not_a_request_gets_400(app, body):
    response = app.test_client().post("/api/call-me", json=body)
    assert response.status_code == 400 and response.get_json()["error"]
    assert stored(app) == []


def test_a_number_asked_for_too_often_gets_429_with_retry_after(app):
    client = app.test_client()
    answers = [ask(client, about=f"try {n}").status_code for n in range(4)]
    assert answers == [201, 201, 201, 429]
    limited = ask(client)
    assert int(limited.headers["Retry-After"]) > 0 and len(stored(app)) == 3
    other = ask(client, phone="020 7946 0018")
    assert other.status_code == 201


def test_an_address_asking_too_often_gets_429(database_url, engine, redis_client):
    config = load_forms_config().model_copy(update={"call_me_per_address": Limit(2, 3600)})
    app = forms_app(database_url, engine, forms_config=config)
    client = app.test_client()
    numbers = ["0113 496 0456", "020 7946 0018", "0113 496 0111"]
    assert [ask(client, phone=n).status_code for n in numbers] == [201, 201, 429]


def test_the_page_offers_windows_and_books_one(app):
    client = app.test_client()
    page = client.get("/call-me").get_data(as_text=True)
    assert 'name="window"' in page and "Today, Monday 2 March" in page
    value = f"{START}/{END}"
    assert value in page
    response = client.post("/call-me", data={"phone": "0113 496 0456", "window": value,
                                             "about": "", "website": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 201 and "CB-" in body and "ending 456" in body
    assert "2pm to 4pm on Monday 2 March" in body
    assert "0113 496 0456" not in body  # the whole number is not shown back
    assert len(stored(app)) == 1


def test_the_page_ties_each_error_to_its_field(app):
    response = app.test_client().post("/call-me", data={"phone": "12", "window": ""})
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "There is a problem" in body
    assert 'href="#phone"' in body and 'href="#window"' in body
    assert 'aria-describedby="phone-hint phone-error"' in body and 'aria-invalid="true"' in body
    assert body.startswith("<!doctype html>") and "<title>Error:" in body
    assert stored(app) == []


def test_a_filled_honeypot_is_thanked_and_nothing_is_stored(app):
    response = app.test_client().post("/call-me", data={
        "phone": "0113 496 0456", "window": f"{START}/{END}", "website": "http://spam.example"})
    assert response.status_code == 200 and "We will call you" in response.get_data(as_text=True)
    assert stored(app) == []
