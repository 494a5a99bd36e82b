"""The national email: a real round trip through a private Dovecot (IMAP) and an SMTP server.

A customer's email is read from the mailbox, screened and triaged into its written queue, gets an
automatic acknowledgement asking for what is missing, an adviser's reply arrives in the same
thread, and the customer's answer joins that enquiry. Attachments are never stored.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from ivr.mailbox.intake import ImapAccount, poll_once
from ivr.mailbox.replies import Outbox, reply
from ivr.rasa_client import RasaClient
from models.enquiries import EnquiryMessage, WrittenEnquiry
from routing.plan import default_directory
from tests.support import rasa
from tests.support.mail import CUSTOMER, SERVICE, mail_servers

assistant_url = rasa.assistant_url  # the session's real assistant (a fixture)

AT = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(scope="module")
def servers():
    with mail_servers() as running:
        yield running


def email(subject: str, body: str, *, message_id: str, refers_to: str | None = None,
          attachment: bytes | None = None) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"] = f"Sam <{CUSTOMER.address}>", SERVICE.address
    message["Subject"], message["Message-ID"] = subject, message_id
    if refers_to:
        message["In-Reply-To"] = message["References"] = refers_to
    message.set_content(body)
    if attachment:
        message.add_attachment(attachment, maintype="application", subtype="pdf",
                               filename="cv.pdf")
    return message


def poll(servers, engine, rasa=None) -> int:
    outbox = Outbox.from_url(servers.smtp_url, SERVICE.address, "National Careers Service")
    return poll_once(ImapAccount.from_url(servers.imap_url), engine=engine,
                     directory=default_directory(), outbox=outbox, rasa=rasa, clock=lambda: AT)


def enquiries(engine) -> list[WrittenEnquiry]:
    with Session(engine) as session:
        return list(session.exec(select(WrittenEnquiry).order_by(WrittenEnquiry.id)))


@pytest.mark.rasa
def test_an_email_round_trip_in_one_thread(servers, engine, assistant_url):
    before = len(servers.inbox(CUSTOMER))
    servers.send(email("Help with a complaint", "I want to make a complaint about my adviser.\n"
                       "My postcode is M1 1AE", message_id="<first-1@example.com>",
                       attachment=b"%PDF-1.4 my cv"))
    assistant = RasaClient(assistant_url, timeout=10, token=rasa.assistant_token())
    assert poll(servers, engine, assistant) == 1
    assert poll(servers, engine, assistant) == 0  # seen once, never twice
    [enquiry] = enquiries(engine)
    assert enquiry.channel == "email" and enquiry.reply_to == CUSTOMER.address
    assert enquiry.thread_id == "<first-1@example.com>"
    assert enquiry.subject == "Help with a complaint" and enquiry.queue_id == "written_complaints"
    with Session(engine) as session:
        [first] = session.exec(select(EnquiryMessage).where(
            EnquiryMessage.direction == "in")).all()
        assert first.attachments_dropped == 1 and "PDF" not in first.text  # never stored
        adviser_reply = reply(Outbox.from_url(servers.smtp_url, SERVICE.address, "NCS"),
                              session=session, enquiry=session.get(WrittenEnquiry, enquiry.id),
                              staff_id="adviser-1", text="Thank you, we are looking into it.",
                              at=AT)
    received = servers.inbox(CUSTOMER)[before:]
    # The automatic acknowledgement, then the adviser's reply, both in the customer's thread.
    assert len(received) == 2
    assert all(m["In-Reply-To"] for m in received) and received[-1]["Message-ID"] == adviser_reply
    assert "<first-1@example.com>" in received[-1]["References"]
    assert received[-1]["Subject"] == "Re: Help with a complaint"
    assert "looking into it" in received[-1].get_content()
    [stored] = enquiries(engine)
    assert stored.status == "answered" and stored.first_responded_at is not None
    # The customer answers the reply: it joins the same enquiry, not a new one.
    servers.send(email("Re: Help with a complaint", "Thanks. It was at the library.\n\n"
                       "On Mon, NCS wrote:\n> Thank you, we are looking into it.",
                       message_id="<second-1@example.com>", refers_to=adviser_reply))
    assert poll(servers, engine) == 1
    [again] = enquiries(engine)
    assert again.id == enquiry.id and again.status == "open"
    with Session(engine) as session:
        texts = [m.text for m in session.exec(select(EnquiryMessage).where(
            EnquiryMessage.enquiry_id == enquiry.id, EnquiryMessage.direction == "in"))]
    assert texts[-1] == "Thanks. It was at the library."  # the quoted history is dropped


def test_an_incomplete_email_is_asked_for_what_is_missing(servers, engine):
    before = len(servers.inbox(CUSTOMER))
    servers.send(email("question", "hello, can someone help me", message_id="<q-2@example.com>"))
    assert poll(servers, engine) == 1
    [enquiry] = enquiries(engine)
    assert enquiry.queue_id == "written_more_information"
    [ack] = servers.inbox(CUSTOMER)[before:]
    assert "How old are you?" in ack.get_content() and ack["In-Reply-To"] == "<q-2@example.com>"
    assert enquiries(engine)[0].first_responded_at is None  # an automatic reply is no answer


def test_words_of_harm_in_an_email_go_to_the_urgent_queue(servers, engine):
    servers.send(email("no point", "i dont want to be here anymore, i want to end it all",
                       message_id="<sg-3@example.com>"))
    poll(servers, engine)
    [enquiry] = enquiries(engine)
    assert enquiry.queue_id == "written_safeguarding"


@pytest.mark.rasa
def test_the_assistant_reads_the_facts_of_an_email(servers, engine, assistant_url):
    servers.send(email("advice", "hi im 16 and i dont know what to do after my gcses",
                       message_id="<yp-4@example.com>"))
    poll(servers, engine, RasaClient(assistant_url, timeout=10, token=rasa.assistant_token()))
    [enquiry] = enquiries(engine)
    assert enquiry.queue_id == "written_young_people"


def test_without_the_assistant_places_in_words_still_count(servers, engine):
    servers.send(email("advice", "I am looking for careers advice. I live in Cardiff.",
                       message_id="<w-5@example.com>"))
    poll(servers, engine, RasaClient("http://127.0.0.1:9", timeout=0.5))  # nobody listens
    [enquiry] = enquiries(engine)
    assert enquiry.destination == "outside_england"  # Wales has its own service (000:L68)
