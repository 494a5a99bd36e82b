"""The national mailbox's settings: TLS and an account in production, clear text only on loopback.

Before this, MAIL_IMAP_URL and MAIL_SMTP_URL took imap:// and smtp:// to any host in any
environment: the mailbox's password and customers' words crossed the network in clear.
"""

from __future__ import annotations

import pytest

from config.settings import SettingsError, load_settings
from ivr.mailbox.account import ImapAccount, SmtpServer

PRODUCTION = {"app_env": "production", "secret_key": "s3cret", "voice_enabled": False,
              "database_url": "postgresql://db/x", "clock_start": None, "_env_file": None,
              "redis_url": "redis://cache:6379/0", "rasa_enabled": False,
              "sealing_keys": "c2VhbGluZy1rZXktZm9yLXRoZS1tYWlsLXRlc3RzLTA="}
DEVELOPMENT = {"app_env": "development", "clock_start": None, "_env_file": None}


@pytest.mark.parametrize(("mail", "expected"), [
    ({"mail_imap_url": "imap://enquiries:pw@mail.internal:143/INBOX"}, "MAIL_IMAP_URL.*imaps"),
    ({"mail_imap_url": "imap://enquiries:pw@127.0.0.1:143/INBOX"}, "MAIL_IMAP_URL.*imaps"),
    ({"mail_imap_url": "imaps://mail.internal:993/INBOX"}, "MAIL_IMAP_URL.*user and password"),
    ({"mail_smtp_url": "smtp://mail.internal:25"}, "MAIL_SMTP_URL.*smtps"),
    ({"mail_smtp_url": "smtps://mail.internal:465"}, "MAIL_SMTP_URL.*user and password"),
    ({"mail_smtp_url": "smtp+starttls://mail.internal:587"}, "MAIL_SMTP_URL.*user and pass"),
])
def test_production_refuses_mail_in_clear_or_without_an_account(mail, expected):
    with pytest.raises(SettingsError, match=expected):
        load_settings(**PRODUCTION, **mail)


def test_production_takes_tls_with_an_account():
    settings = load_settings(**PRODUCTION,
                             mail_imap_url="imaps://enquiries:pw@mail.internal:993/INBOX",
                             mail_smtp_url="smtp+starttls://enquiries:pw@mail.internal:587")
    assert settings.mail_imap_url.startswith("imaps://")


@pytest.mark.parametrize("mail", [{"mail_imap_url": "imap://enquiries:pw@mail.internal/INBOX"},
                                  {"mail_smtp_url": "smtp://mail.internal:25"}])
def test_development_refuses_clear_text_off_this_machine(mail):
    with pytest.raises(SettingsError, match="plain connections"):
        load_settings(**DEVELOPMENT, **mail)


def test_development_talks_in_clear_to_the_mail_server_on_this_machine():
    settings = load_settings(**DEVELOPMENT, mail_imap_url="imap://enquiries:pw@127.0.0.1:1/INBOX",
                             mail_smtp_url="smtp://localhost:2")
    assert ImapAccount.from_url(settings.mail_imap_url).tls is False
    assert SmtpServer.from_url(settings.mail_smtp_url).mode == "smtp"


@pytest.mark.parametrize("url", ["imap://u:p@mail.internal/INBOX", "imap://u:p@10.0.0.5/INBOX"])
def test_the_mailbox_itself_refuses_clear_text_off_this_machine(url):
    with pytest.raises(ValueError, match="in clear"):
        ImapAccount.from_url(url)
    with pytest.raises(ValueError, match="in clear"):
        SmtpServer.from_url(url.replace("imap", "smtp").removesuffix("/INBOX"))


def test_tls_urls_default_to_their_ports():
    assert ImapAccount.from_url("imaps://u:p@mail.internal/INBOX").port == 993
    assert SmtpServer.from_url("smtps://u:p@mail.internal").port == 465
    assert SmtpServer.from_url("smtp+starttls://u:p@mail.internal").port == 587


@pytest.mark.parametrize(("name", "value"), [("mail_max_message_bytes", 10),
                                             ("mail_max_text_chars", 2_000_000)])
def test_the_mail_caps_stay_sane(name, value):
    with pytest.raises(SettingsError, match=name.upper()):
        load_settings(**DEVELOPMENT, **{name: value})
