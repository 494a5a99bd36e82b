"""No email can stop the national mailbox: what fails is set aside for a person, the rest goes on.

A real Dovecot and SMTP server (tests/support/mail.py), real PostgreSQL/SQLite and Redis. Before
this, a message that raised while being taken in was never marked read, so every poll read it
again and raised again; a body over 1,000,000 characters made spaCy raise; and nothing limited a
message's size before it was fetched and parsed.
"""

from __future__ import annotations

import imaplib
from datetime import datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from app import create_app
from config.settings import Settings
from ivr.mailbox.intake import CLAIMED, ImapAccount, MailLimits, poll_once
from ivr.mailbox.replies import Outbox
from models import set_aside
from models.enquiries import EnquiryMessage, WrittenEnquiry
from models.staff import search_audit
from routing.plan import default_directory
from tests.support.console import csrf_token, signed_in
from tests.support.databases import TEST_REDIS_URL
from tests.support.mail import CUSTOMER, SERVICE, mail_servers

AT = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(scope="module")
def servers():
    with mail_servers() as running:
        yield running


def email(subject: str, body: str, message_id: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"] = f"Sam <{CUSTOMER.address}>", SERVICE.address
    message["Subject"], message["Message-ID"] = subject, message_id
    message.set_content(body)
    return message


def poison(message_id: str) -> EmailMessage:
    """A charset no codec knows: reading its words raises LookupError in the standard library."""
    message = email("help", "I need advice about an apprenticeship.", message_id)
    message.replace_header("Content-Type", 'text/plain; charset="x-no-such-charset"')
    return message


def poll(servers, engine, redis_client, limits: MailLimits | None = None) -> int:
    outbox = Outbox.from_url(servers.smtp_url, SERVICE.address, "National Careers Service")
    return poll_once(ImapAccount.from_url(servers.imap_url), engine=engine,
                     directory=default_directory(), outbox=outbox, rasa=None,
                     clock=lambda: AT, redis_client=redis_client,
                     limits=limits or MailLimits())


def enquiries(engine) -> list[WrittenEnquiry]:
    with Session(engine) as session:
        return list(session.exec(select(WrittenEnquiry).order_by(WrittenEnquiry.id)))


def set_aside_ids(servers) -> list[str]:
    return [m["Message-ID"] for m in servers.inbox(SERVICE, "Set-aside")]


def test_a_poison_email_is_set_aside_and_the_next_is_taken_in(servers, engine, redis_client):
    servers.send(poison("<poison-1@example.com>"))
    servers.send(email("advice", "I am looking for careers advice, I live in Leeds LS1 4AP.",
                       "<good-1@example.com>"))
    assert poll(servers, engine, redis_client) == 1
    [enquiry] = enquiries(engine)
    assert enquiry.thread_id == "<good-1@example.com>"
    assert "<poison-1@example.com>" in set_aside_ids(servers)
    [record] = set_aside.waiting(redis_client)
    assert (record.reason, record.error, record.folder) == ("failed", "LookupError", "Set-aside")
    # The loop goes on: the poison is never read again and a later email is still taken in.
    assert poll(servers, engine, redis_client) == 0
    servers.send(email("advice", "Can I talk to someone about a new job?", "<good-2@example.com>"))
    assert poll(servers, engine, redis_client) == 1
    assert set_aside.count(redis_client) == 1
    # The written desk sees it, without the sender or the words.
    settings = Settings(app_env="test", database_url=str(engine.url), redis_url=TEST_REDIS_URL,
                        rasa_enabled=False, _env_file=None)
    app = create_app(settings, engine=engine)
    client, _ = signed_in(app, "yasmin", "adviser", queues=["young_people"])
    page = client.get("/console/written").get_data(as_text=True)
    assert "Emails set aside: 1 for a person to read" in page
    assert "could not be taken in (LookupError)" in page and "Set-aside" in page
    assert CUSTOMER.address not in page and "apprenticeship" not in page
    # Once a person has read it in the mailbox, they take it off the desk (audited).
    done = f"/console/written/set-aside/{record.id}/done"
    token = csrf_token(client, "/console/written")
    assert client.post(done, data={"csrf_token": token}).status_code == 303
    assert "Emails set aside" not in client.get("/console/written").get_data(as_text=True)
    assert client.post(done, data={"csrf_token": token}).status_code == 404
    with Session(engine) as session:
        assert search_audit(session=session, action="mail_set_aside_dealt_with")


def test_a_message_whose_taking_in_was_cut_short_is_not_read_again(servers, engine,
                                                                    redis_client):
    servers.send(email("advice", "careers advice please", "<cut-1@example.com>"))
    # What a process killed while taking it in leaves behind: read, and claimed.
    with imaplib.IMAP4("127.0.0.1", servers.dovecot.port, timeout=10) as imap:
        imap.login(SERVICE.user, SERVICE.password)
        imap.select("INBOX")
        _, found = imap.uid("SEARCH", None, "UNSEEN")
        for uid in found[0].split():
            imap.uid("STORE", uid, "+FLAGS", f"(\\Seen {CLAIMED})")
    assert poll(servers, engine, redis_client) == 0
    assert "<cut-1@example.com>" in set_aside_ids(servers)
    assert [r.reason for r in set_aside.waiting(redis_client)] == ["interrupted"]


def test_a_message_over_the_size_cap_is_set_aside_unread(servers, engine, redis_client):
    servers.send(email("big", "word " * 40_000, "<big-1@example.com>"))  # about 200 kB
    assert poll(servers, engine, redis_client, MailLimits(max_bytes=64 * 1024)) == 0
    assert enquiries(engine) == []
    assert "<big-1@example.com>" in set_aside_ids(servers)
    [record] = set_aside.waiting(redis_client)
    assert record.reason == "too_large" and record.size > 64 * 1024


def test_a_body_too_long_for_spacy_is_shortened_not_fatal(servers, engine, redis_client):
    # 1,200,000 characters: spaCy refuses over 1,000,000 with a ValueError.
    servers.send(email("long", "I need careers advice. " + "a" * 1_200_000, "<long-1@example.com>"))
    assert poll(servers, engine, redis_client) == 1
    assert set_aside.count(redis_client) == 0
    with Session(engine) as session:
        [stored] = session.exec(select(EnquiryMessage).where(EnquiryMessage.direction == "in"))
    assert len(stored.text) < 101_000 and "was not kept" in stored.text
