"""Where the national mailbox and its outgoing mail are, and how to reach them safely.

IMAP and SMTP carry the mailbox's password and customers' words, so both go over TLS with the
server's certificate checked (imaps://, smtps:// or smtp+starttls://). Plain imap:// and smtp://
are accepted only to this machine (the development mail server, devtools/devmail); settings
refuse them in production (config/settings.py).
"""

from __future__ import annotations

import imaplib
import ipaddress
import smtplib
import ssl
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

IMAP_PORTS = {"imap": 143, "imaps": 993}
SMTP_PORTS = {"smtp": 25, "smtps": 465, "smtp+starttls": 587}
TIMEOUT = 10


def loopback(host: str) -> bool:
    """True for an address only this machine can reach."""
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return host == "localhost"


def tls_context(ca_file: str = "") -> ssl.SSLContext:
    """Certificates and host names checked, TLS 1.2 or later; `ca_file` adds a private CA."""
    context = ssl.create_default_context(cafile=ca_file or None)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    return context


def _plain_only_here(scheme: str, host: str, setting: str) -> None:
    if scheme in ("imap", "smtp") and not loopback(host):
        raise ValueError(f"{setting}: {scheme}:// sends the password and the mail in clear; use "
                         f"{'imaps://' if scheme == 'imap' else 'smtps:// or smtp+starttls://'}"
                         " for any host but this machine")


@dataclass(frozen=True)
class ImapAccount:
    """The national mailbox: imaps://USER:PASSWORD@HOST:PORT/FOLDER (imap:// on loopback only)."""

    host: str
    port: int
    user: str
    password: str
    folder: str = "INBOX"
    tls: bool = True
    ca_file: str = ""

    @classmethod
    def from_url(cls, url: str, *, ca_file: str = "") -> ImapAccount:
        """Parse the MAIL_IMAP_URL setting."""
        parts = urlsplit(url)
        if parts.scheme not in IMAP_PORTS or not parts.hostname or not parts.username:
            raise ValueError("MAIL_IMAP_URL must look like imaps://user:password@host:993/INBOX")
        _plain_only_here(parts.scheme, parts.hostname, "MAIL_IMAP_URL")
        return cls(host=parts.hostname, port=parts.port or IMAP_PORTS[parts.scheme],
                   user=unquote(parts.username), password=unquote(parts.password or ""),
                   folder=unquote(parts.path.strip("/")) or "INBOX",
                   tls=parts.scheme == "imaps", ca_file=ca_file)

    def connect(self) -> imaplib.IMAP4:
        """An IMAP connection, over TLS unless this is the development server on loopback."""
        if self.tls:
            return imaplib.IMAP4_SSL(self.host, self.port, ssl_context=tls_context(self.ca_file),
                                     timeout=TIMEOUT)
        return imaplib.IMAP4(self.host, self.port, timeout=TIMEOUT)


@dataclass(frozen=True)
class SmtpServer:
    """Where mail is sent: smtps://USER:PASSWORD@HOST:465, smtp+starttls://…:587, smtp:// on
    loopback only; with credentials it signs in (only ever over TLS)."""

    host: str
    port: int
    mode: str = "smtps"
    user: str = ""
    password: str = ""
    ca_file: str = ""

    @classmethod
    def from_url(cls, url: str, *, ca_file: str = "") -> SmtpServer:
        """Parse the MAIL_SMTP_URL setting."""
        parts = urlsplit(url)
        if parts.scheme not in SMTP_PORTS or not parts.hostname:
            raise ValueError("MAIL_SMTP_URL must look like smtps://user:password@host:465 or "
                             "smtp+starttls://user:password@host:587")
        _plain_only_here(parts.scheme, parts.hostname, "MAIL_SMTP_URL")
        return cls(host=parts.hostname, port=parts.port or SMTP_PORTS[parts.scheme],
                   mode=parts.scheme, user=unquote(parts.username or ""),
                   password=unquote(parts.password or ""), ca_file=ca_file)

    def connect(self) -> smtplib.SMTP:
        """A connection ready to send: TLS set up and signed in as the settings say."""
        if self.mode == "smtps":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=TIMEOUT,
                                                  context=tls_context(self.ca_file))
        else:
            smtp = smtplib.SMTP(self.host, self.port, timeout=TIMEOUT)
        try:
            if self.mode == "smtp+starttls":
                # starttls raises SMTPNotSupportedError if the server cannot: never go on in clear.
                smtp.starttls(context=tls_context(self.ca_file))
            if self.user:
                smtp.login(self.user, self.password)
        except BaseException:
            smtp.close()
            raise
        return smtp
