"""An SMTP server (aiosmtpd) that hands each message to the private Dovecot's delivery agent.

Recipients are the private server's mailboxes, by address; anything else is refused (550), so a
test or a demonstration can never send mail anywhere else.
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
        content = envelope.original_content or b""
        for address in envelope.rcpt_tos:
            self.dovecot.deliver(self.users[address.lower()], content)
        return "250 Message accepted for delivery"


def start_smtp(dovecot: Dovecot, port: int | None = None) -> Controller:
    """Start the SMTP server on 127.0.0.1:`port` in a thread; `controller.stop()` ends it."""
    controller = Controller(DeliverToDovecot(dovecot), hostname="127.0.0.1",
                            port=port or free_port())
    controller.start()
    return controller
