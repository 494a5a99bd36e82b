"""The mailbox speaks TLS, with the certificate checked and an account, to a real mail server.

The development Dovecot serves IMAPS and the SMTP host SMTPS with a certificate made at start
(devtools/devmail/tls.py); the channel trusts it only through MAIL_CA_FILE. Before this, the
channel could only speak imap:// and smtp:// in clear, and SMTP never signed in.
"""

from __future__ import annotations

import smtplib
import ssl
from datetime import datetime
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest

from ivr.mailbox.intake import ImapAccount, poll_once
from ivr.mailbox.replies import Outbox
from routing.plan import default_directory
from routing.written import load_written_config
from tests.support.mail import CUSTOMER, SERVICE, mail_servers

AT = datetime(2026, 3, 2, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(scope="module")
def servers():
    with mail_servers() as running:
        yield running


def test_the_mailbox_reads_and_replies_over_tls(servers, engine):
    before = len(servers.inbox(CUSTOMER))
    message = EmailMessage()
    message["From"], message["To"] = CUSTOMER.address, SERVICE.address
    message["Subject"], message["Message-ID"] = "help", "<tls-1@example.com>"
    message.set_content("hello, can someone help me")
    servers.send(message)
    account = ImapAccount.from_url(servers.imaps_url, ca_file=servers.ca_file)
    outbox = Outbox.from_url(servers.smtps_url, SERVICE.address, "National Careers Service",
                             ca_file=servers.ca_file)
    assert account.tls and outbox.server.mode == "smtps" and outbox.server.user == SERVICE.user
    assert poll_once(account, engine=engine, directory=default_directory(), outbox=outbox,
                     rasa=None, clock=lambda: AT) == 1
    [ack] = servers.inbox(CUSTOMER)[before:]
    assert ack["Subject"] == load_written_config().acknowledgement_subject


def test_a_certificate_nobody_vouched_for_is_refused(servers):
    with pytest.raises(ssl.SSLCertVerificationError):
        ImapAccount.from_url(servers.imaps_url).connect()
    with pytest.raises(ssl.SSLCertVerificationError):
        Outbox.from_url(servers.smtps_url, SERVICE.address, "NCS").server.connect()


def test_smtp_signs_in_and_a_wrong_password_is_refused(servers):
    wrong = servers.smtps_url.replace(SERVICE.password, "not-the-password")
    with pytest.raises(smtplib.SMTPAuthenticationError):
        Outbox.from_url(wrong, SERVICE.address, "NCS", ca_file=servers.ca_file).server.connect()
