"""The automatic reply goes to the envelope sender with a fixed subject, never where a sender says.

Before this, the acknowledgement went to whatever Reply-To a message claimed, under "Re: " and the
sender's own subject: anyone could have the service's own address send a stranger their words.
A real Dovecot and SMTP server (tests/support/mail.py) that, like any delivering MTA, writes the
envelope sender as the Return-Path.
"""

from __future__ import annotations

from datetime import datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from sqlmodel import Session, select

from ivr.mailbox.intake import ImapAccount, poll_once
from ivr.mailbox.replies import Outbox
from models.enquiries import WrittenEnquiry
from routing.plan import default_directory
from routing.written import load_written_config
from tests.support.mail import CUSTOMER, SERVICE, VICTIM, mail_servers

AT = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))
CRAFTED = "Your account is locked: sign in again at http://careers.example.net/reset"


@pytest.fixture(scope="module")
def servers():
    with mail_servers() as running:
        yield running


def email(message_id: str, **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"], message["To"] = f"Sam <{CUSTOMER.address}>", SERVICE.address
    message["Subject"], message["Message-ID"] = CRAFTED, message_id
    for name, value in headers.items():
        del message[name.replace("_", "-")]
        message[name.replace("_", "-")] = value
    message.set_content("hello, can someone help me")
    return message


def poll(servers, engine) -> int:
    outbox = Outbox.from_url(servers.smtp_url, SERVICE.address, "National Careers Service",
                             public_base_url="https://careers.example.org")
    return poll_once(ImapAccount.from_url(servers.imap_url), engine=engine,
                     directory=default_directory(), outbox=outbox, rasa=None, clock=lambda: AT)


def test_the_reply_goes_to_the_sender_not_a_claimed_reply_to(servers, engine):
    mine, theirs = len(servers.inbox(CUSTOMER)), len(servers.inbox(VICTIM))
    # A Return-Path written by the sender is replaced by the delivering server's own.
    servers.send(email("<rt-1@example.com>", Reply_To=VICTIM.address,
                       Return_Path=f"<{VICTIM.address}>"))
    assert poll(servers, engine) == 1
    assert servers.inbox(VICTIM)[theirs:] == []
    [ack] = servers.inbox(CUSTOMER)[mine:]
    assert ack["Subject"] == load_written_config().acknowledgement_subject
    assert "careers.example.net" not in ack.as_string()
    assert ack["Auto-Submitted"] == "auto-replied"
    # The privacy notice at first contact, linked on the app (000:L83).
    assert "read our privacy notice at https://careers.example.org/privacy" in \
        ack.get_content()
    with Session(engine) as session:
        [enquiry] = session.exec(select(WrittenEnquiry)).all()
    assert enquiry.reply_to == CUSTOMER.address  # the adviser's answer goes there too


def test_the_envelope_sender_is_the_one_replied_to(servers, engine):
    mine = len(servers.inbox(CUSTOMER))
    servers.send(email("<rt-2@example.com>", From=f"Someone <{VICTIM.address}>"),
                 mail_from=CUSTOMER.address)
    assert poll(servers, engine) == 1
    assert len(servers.inbox(CUSTOMER)[mine:]) == 1


@pytest.mark.parametrize("case", ["bounce", "auto-submitted"])
def test_no_automatic_reply_to_a_bounce_or_another_responder(case, servers, engine):
    mine = len(servers.inbox(CUSTOMER))
    if case == "bounce":
        servers.send(email("<rt-3@example.com>"), mail_from="")
    else:
        servers.send(email("<rt-4@example.com>", Auto_Submitted="auto-replied"))
    assert poll(servers, engine) == 1  # still an enquiry for a person to read
    assert servers.inbox(CUSTOMER)[mine:] == []
