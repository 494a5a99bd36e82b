"""A real mail server for tests: a private Dovecot (IMAP) and an SMTP host that delivers to it."""

from __future__ import annotations

import imaplib
import shutil
import smtplib
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from devtools.devmail.dovecot import Dovecot, Mailbox
from devtools.devmail.smtp import start_smtp, start_smtps

SERVICE = Mailbox("enquiries", "Enquiries-Test-1", "enquiries@careers.localhost")
CUSTOMER = Mailbox("sam", "Customer-Test-1", "sam@example.com")
# Someone a sender names in a Reply-To: the service must never write to them unasked.
VICTIM = Mailbox("victim", "Victim-Test-1", "victim@example.org")


@dataclass
class MailServers:
    """The running servers and what a test needs to use them."""

    dovecot: Dovecot
    smtp_port: int
    smtps_port: int = 0

    @property
    def imap_url(self) -> str:
        """MAIL_IMAP_URL for the service's mailbox."""
        return f"imap://{SERVICE.user}:{SERVICE.password}@127.0.0.1:{self.dovecot.port}/INBOX"

    @property
    def smtp_url(self) -> str:
        """MAIL_SMTP_URL."""
        return f"smtp://127.0.0.1:{self.smtp_port}"

    @property
    def imaps_url(self) -> str:
        """MAIL_IMAP_URL over TLS (trust `ca_file`)."""
        return (f"imaps://{SERVICE.user}:{SERVICE.password}@127.0.0.1:{self.dovecot.tls_port}"
                "/INBOX")

    @property
    def smtps_url(self) -> str:
        """MAIL_SMTP_URL over TLS with the service's account (trust `ca_file`)."""
        return f"smtps://{SERVICE.user}:{SERVICE.password}@127.0.0.1:{self.smtps_port}"

    @property
    def ca_file(self) -> str:
        """MAIL_CA_FILE: the servers' own certificate, made when they started."""
        return str(self.dovecot.ca_file)

    def send(self, message: EmailMessage, mail_from: str | None = None) -> None:
        """Send as a customer's mail program would (`mail_from`: the envelope sender, if not
        the From; "" sends a bounce's null sender)."""
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=10) as smtp:
            smtp.send_message(message, from_addr=mail_from)

    def inbox(self, box: Mailbox, folder: str = "INBOX") -> list[EmailMessage]:
        """Every message in `box`'s `folder`, oldest first (none when there is no such folder)."""
        with imaplib.IMAP4("127.0.0.1", self.dovecot.port, timeout=10) as imap:
            imap.login(box.user, box.password)
            if imap.select(f'"{folder}"', readonly=True)[0] != "OK":
                return []
            _, found = imap.search(None, "ALL")
            result = []
            for number in (found[0] or b"").split():
                _, data = imap.fetch(number, "(BODY.PEEK[])")
                raw = next(part[1] for part in data if isinstance(part, tuple))
                result.append(BytesParser(policy=policy.default).parsebytes(raw))
            return result


@contextmanager
def mail_servers() -> Iterator[MailServers]:
    """Start both servers in a fresh folder; stop them and remove it afterwards."""
    # Under /tmp, not pytest's 0700 folders: Dovecot's processes run as its own user.
    root = Path(tempfile.mkdtemp(prefix="careers-mail-"))
    dovecot = Dovecot(root, [SERVICE, CUSTOMER, VICTIM]).start()
    controller, secure = start_smtp(dovecot), start_smtps(dovecot)
    try:
        yield MailServers(dovecot=dovecot, smtp_port=controller.port, smtps_port=secure.port)
    finally:
        secure.stop()
        controller.stop()
        dovecot.stop()
        shutil.rmtree(root, ignore_errors=True)
