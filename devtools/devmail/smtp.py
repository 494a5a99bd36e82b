"""An SMTP server (aiosmtpd) that hands each message to the private Dovecot's delivery agent.

Recipients are the private server's mailboxes, by address; anything else is refused (550), so a
test or a demonstration can never send mail anywhere else. Like any final delivery MTA (RFC 5321
section 4.4), it records the envelope sender as the one Return-Path header, replacing any the
message brought with it.
"""

from __future__ import annotations

import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from devtools.devmail.dovecot import Dovecot, free_port
from devtools.devmail.tls import server_context


class DeliverToDovecot:
    """aiosmtpd handler: accept only local mailboxes, deliver through dovecot-lda."""

    def __init__(self, dovecot: Dovecot) -> None:
        self.dovecot = dovecot
        self.users = {m.address.lower(): m.user for m in dovecot.mailboxes}

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,  # noqa: N802
                          address: str, rcpt_options: list[str]) -> str:
        """Only this machine's mailboxes receive mail."""
        if address.lower() not in self.users:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session,  # noqa: N802
                          envelope: Envelope) -> str:
        """Deliver the message to each recipient's INBOX."""
        content = with_return_path(envelope.original_content or b"", envelope.mail_from or "")
        for address in envelope.rcpt_tos:
            self.dovecot.deliver(self.users[address.lower()], content)
        return "250 Message accepted for delivery"


def with_return_path(content: bytes, mail_from: str) -> bytes:
    """`content` with its own Return-Path headers dropped and the envelope sender's in front."""
    head, blank, body = content.partition(b"\r\n\r\n")
    if not blank:
        head, blank, body = content.partition(b"\n\n")
    kept, dropping = [], False
    for line in head.splitlines(keepends=True):
        if dropping and line[:1] in (b" ", b"\t"):
            continue  # a folded continuation of a dropped header
        dropping = line.lower().startswith(b"return-path:")
        if not dropping:
            kept.append(line)
    head = b"".join(kept).rstrip(b"\r\n")
    return b"Return-Path: <" + mail_from.encode() + b">\r\n" + head + blank + body


def start_smtp(dovecot: Dovecot, port: int | None = None) -> Controller:
    """Start the SMTP server on 127.0.0.1:`port` in a thread; `controller.stop()` ends it."""
    controller = Controller(DeliverToDovecot(dovecot), hostname="127.0.0.1",
                            port=port or free_port())
    controller.start()
    return controller


class Accounts:
    """aiosmtpd authenticator: the private server's own mailboxes and passwords."""

    def __init__(self, dovecot: Dovecot) -> None:
        self.passwords = {m.user: m.password for m in dovecot.mailboxes}

    def __call__(self, server: SMTP, session: Session, envelope: Envelope, mechanism: str,
                 auth_data: object) -> AuthResult:
        """Success only for a known user with their password."""
        if isinstance(auth_data, LoginPassword):
            user, password = auth_data.login.decode(), auth_data.password.decode()
            if user in self.passwords and self.passwords[user] == password:
                return AuthResult(success=True)
        return AuthResult(success=False, handled=False)


# aiosmtpd warns when sign-in is required without STARTTLS; on the SMTPS port TLS comes first.
warnings.filterwarnings("ignore", message="Requiring AUTH while not requiring TLS",
                        category=UserWarning)


def start_smtps(dovecot: Dovecot) -> Controller:
    """SMTP over TLS from the first byte (port 465's way), signing in required, on a free port."""
    controller = Controller(DeliverToDovecot(dovecot), hostname="127.0.0.1", port=free_port(),
                            ssl_context=server_context(dovecot.ca_file,
                                                       dovecot.root / "key.pem"),
                            authenticator=Accounts(dovecot), auth_required=True,
                            # aiosmtpd counts only STARTTLS as TLS; this port is TLS throughout.
                            auth_require_tls=False)
    controller.start()
    return controller
