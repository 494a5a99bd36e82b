"""Replies to written enquiries by SMTP, in the customer's thread (In-Reply-To and References).

An adviser's reply stops the first-response clock; the automatic acknowledgement that asks for
missing facts does not. Every reply is stored redacted on the enquiry and its contact's timeline.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr

from sqlmodel import Session

from ivr.mailbox.account import SmtpServer
from ivr.notices import notices
from models.enquiries import WrittenEnquiry
from routing.written import load_written_config, messages, record_reply

# What to ask for when triage still needs a fact (the assistant's questions, in writing).
QUESTIONS = {
    "age": "How old are you?",
    "need": "Would you like information, advice from a careers adviser, or a face-to-face "
            "appointment?",
    "postcode": "What is your postcode? The service covers England and helps you locally.",
    "jobcentre_plus_claimant": "Are you getting help from Jobcentre Plus?",
    "nation": "Which part of the UK do you live in?",
}


@dataclass(frozen=True)
class Outbox:
    """Where replies are sent (the MAIL_SMTP_URL setting, see SmtpServer) and whom they are from."""

    server: SmtpServer
    sender: str
    sender_name: str
    # The app's public address (PUBLIC_BASE_URL): the automatic reply links the privacy notice.
    public_base_url: str = ""

    @classmethod
    def from_url(cls, url: str, sender: str, sender_name: str, *, ca_file: str = "",
                 public_base_url: str = "") -> Outbox:
        """Parse an smtps://, smtp+starttls:// (or, on loopback, smtp://) URL."""
        return cls(server=SmtpServer.from_url(url, ca_file=ca_file), sender=sender,
                   sender_name=sender_name, public_base_url=public_base_url.rstrip("/"))

    @property
    def privacy_url(self) -> str:
        """Where the privacy notice is read (000:L83)."""
        return self.public_base_url + notices().privacy.path

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the SMTP server."""
        with self.server.connect() as smtp:
            smtp.send_message(message)


def reply(outbox: Outbox, *, session: Session, enquiry: WrittenEnquiry, staff_id: str,
          text: str, at: datetime, counts_as_response: bool = True,
          subject: str | None = None) -> str:
    """Send `text` to the customer in the enquiry's thread and record it; return its Message-ID.

    `subject` replaces "Re: <the customer's subject>" (the automatic reply's fixed subject)."""
    if not enquiry.reply_to:
        raise ValueError("this enquiry has no address to reply to")
    thread = [m.message_id for m in messages(session=session, enquiry_id=enquiry.id)]
    message_id = f"<reply-{uuid.uuid4().hex}@{outbox.sender.split('@')[-1]}>"
    email = EmailMessage()
    email["From"] = formataddr((outbox.sender_name, outbox.sender))
    email["To"] = enquiry.reply_to
    if subject is not None:
        email["Subject"] = subject
        # RFC 3834: marks it automatic, so other responders do not answer it (no mail loops).
        email["Auto-Submitted"] = "auto-replied"
    else:
        theirs = enquiry.subject or "Your enquiry"
        email["Subject"] = theirs if theirs.lower().startswith("re:") else f"Re: {theirs}"
    email["Message-ID"] = message_id
    email["Date"] = format_datetime(at)
    if thread:
        email["In-Reply-To"] = thread[-1]
        email["References"] = " ".join(thread[-10:])
    email.set_content(f"{text}\n\nYour reference: WE-{enquiry.id}\n{outbox.sender_name}\n")
    outbox.send(email)
    record_reply(session=session, enquiry_id=enquiry.id, staff_id=staff_id,
                 message_id=message_id, text=text, at=at, counts_as_response=counts_as_response)
    return message_id


def reply_from(smtp_url: str, ca_file: str = "", **reply_args) -> str:
    """An adviser's reply through the service's own address on `smtp_url` (the desk's port)."""
    config = load_written_config()
    outbox = Outbox.from_url(smtp_url, config.service_address, config.service_name,
                             ca_file=ca_file)
    return reply(outbox, **reply_args)


def acknowledgement(outbox: Outbox, *, session: Session, enquiry: WrittenEnquiry,
                    missing: list[str], at: datetime) -> str:
    """The automatic reply: the reference, when to expect an answer, and what we still need.

    Its subject is fixed (config/forms.yaml) and it echoes nothing the sender wrote, so the
    service's own address cannot be made to carry a stranger's words to anyone.
    """
    config = load_written_config()
    urgent = enquiry.kind == "safeguarding"
    lines = [config.emergency] if urgent else []
    lines.append(f"Thank you for contacting the {config.service_name}. We have your enquiry.")
    # A safeguarding enquiry is answered by a person now: no questions first (003:L211).
    questions = [] if urgent else [QUESTIONS[name] for name in missing if name in QUESTIONS]
    if questions:
        lines.append("So that we can send it to the right adviser, please reply with:")
        lines += [f"- {question}" for question in questions]
    lines.append("An adviser will reply to you by email.")
    # The privacy notice at first contact, on this channel too (000:L83).
    lines.append(notices().privacy.email_line.format(url=outbox.privacy_url))
    return reply(outbox, session=session, enquiry=enquiry, staff_id="system",
                 text="\n".join(lines), at=at, counts_as_response=False,
                 subject=config.acknowledgement_subject)
