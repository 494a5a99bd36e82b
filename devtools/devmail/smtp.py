"""An SMTP server (aiosmtpd) that hands each message to the private Dovecot's delivery agent.

Recipients are the private server's mailboxes, by address; anything else is refused (550), so a
test or a demonstration can never send mail anywhere else. Like any final delivery MTA (RFC 5321
section 4.4), it records the envelope sender as the one Return-Path header, replacing any the
message brought with it.
"""

from __future__ import annotations

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from devtools.devmail.dovecot import Dovecot, free_port


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
