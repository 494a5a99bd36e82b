"""Written contacts' callbacks confirmed and reminded by e-mail, through a real mail server, on
SQLite and PostgreSQL (000:L21, 000:L35): the enquiry form's face-to-face request (a cold
transfer, 001:5.6) is confirmed at once; the worker confirms what no request could (the national
mailbox) and reminds an hour before; nothing about the customer is in either e-mail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session, select

from app import create_app
from config.settings import Settings
from ivr.messaging.sender import remind_due
from models.callbacks import Callback
from models.contacts import open_contact, timeline
from routing.callbacks import create_callback
from tests.support.browser import LATE_EVENING, moving_clock
from tests.support.databases import TEST_REDIS_URL
from tests.support.mail import CUSTOMER, mail_servers
from tests.support.twilio import WEEKDAY_MORNING

FACE_TO_FACE = {"message": "I would like to see an adviser about a new career", "age": "45",
                "need": "face_to_face", "postcode": "M1 1AE", "email": CUSTOMER.address}


@pytest.fixture(scope="module")
def servers():
    with mail_servers() as running:
        yield running


@pytest.fixture
def app(database_url, engine, redis_client, servers):
    settings = Settings(app_env="test", database_url=database_url, redis_url=TEST_REDIS_URL,
                        rasa_enabled=False, mail_smtp_url=servers.smtp_url, _env_file=None)
    return create_app(settings, engine=engine, chat_clock=moving_clock(WEEKDAY_MORNING))


def _kinds_and_details(app, key):
    with Session(app.extensions["engine"]) as session:
        return [(e.kind, e.detail) for e in timeline(session=session, contact_key=key)
                if e.kind.startswith("message")]


def test_a_face_to_face_enquiry_is_confirmed_and_reminded_by_email(app, servers):
    before = len(servers.inbox(CUSTOMER))
    assert app.test_client().post("/enquiry", data=FACE_TO_FACE).status_code == 201
    with Session(app.extensions["engine"]) as session:
        callback = session.exec(select(Callback)).one()
    assert callback.notify == "email" and callback.confirmed_at is not None
    [mail] = servers.inbox(CUSTOMER)[before:]
    body = mail.get_content()
    assert mail["Subject"] == "Your call back from the National Careers Service"
    assert "An adviser from the" in body and " will contact you by " in body
    # Nothing the customer told us: not their words, age, need or postcode (000:L35).
    for told in ("career", "45", "M1", "face"):
        assert told not in body
    [(kind, detail)] = _kinds_and_details(app, callback.contact_key)
    assert kind == "message_sent" and detail["channel"] == "email"
    assert CUSTOMER.address not in str(detail)

    with app.app_context():
        assert remind_due(callback.due_at - timedelta(minutes=61)) == 0
        assert remind_due(callback.due_at - timedelta(minutes=59)) == 1
        assert remind_due(callback.due_at - timedelta(minutes=30)) == 0
    [reminder] = servers.inbox(CUSTOMER)[before + 1:]
    assert reminder["Subject"].startswith("Reminder:")
    assert "within the hour" in reminder.get_content()


def test_the_worker_confirms_what_no_request_could(app, servers):
    # The national mailbox books without the app: the worker's next round confirms.
    with Session(app.extensions["engine"]) as session:
        open_contact(session=session, key="email-1", channel="email", at=WEEKDAY_MORNING)
        session.commit()
        create_callback(session=session, contact_key="email-1", reason="email: face to face",
                        due=WEEKDAY_MORNING + timedelta(days=1), source="cold_transfer",
                        contractor_id="north-west", email=CUSTOMER.address, notify="email",
                        now=WEEKDAY_MORNING)
    before = len(servers.inbox(CUSTOMER))
    with app.app_context():
        assert remind_due(WEEKDAY_MORNING + timedelta(minutes=1)) == 0  # no reminder yet
        remind_due(WEEKDAY_MORNING + timedelta(minutes=2))              # and no second copy
    [mail] = servers.inbox(CUSTOMER)[before:]
    assert "An adviser from the" in mail.get_content()
    assert [k for k, _ in _kinds_and_details(app, "email-1")] == ["message_sent"]


def _chat_to_callback(app, contact: str) -> Callback:
    client = app.test_client()
    session_id = client.post("/api/chat/sessions").get_json()["session_id"]
    for text in ("/chat_need advice", "30", "M1 1AA", contact):
        response = client.post(f"/api/chat/sessions/{session_id}/messages", json={"text": text})
        assert response.status_code == 200
    with Session(app.extensions["engine"]) as session:
        return session.exec(select(Callback)).one()


@pytest.mark.parametrize(("contact", "notify"), [(CUSTOMER.address, "email"),
                                                 ("07400 123456", None)])
def test_a_webchat_callback_is_confirmed_by_email_only_to_an_address(database_url, engine,
                                                                     redis_client, servers,
                                                                     contact, notify):
    # Out of hours the chat offers a callback (000:L19); an address given is written to.
    settings = Settings(app_env="test", database_url=database_url, redis_url=TEST_REDIS_URL,
                        rasa_enabled=False, mail_smtp_url=servers.smtp_url, _env_file=None)
    app = create_app(settings, engine=engine, chat_clock=moving_clock(LATE_EVENING))
    callback = _chat_to_callback(app, contact)
    assert callback.notify == notify
    before = len(servers.inbox(CUSTOMER))
    with app.app_context():
        remind_due(LATE_EVENING + timedelta(minutes=1))
    written = servers.inbox(CUSTOMER)[before:]
    assert len(written) == (1 if notify else 0)
