"""Replies to written enquiries by SMTP, in the customer's thread (In-Reply-To and References).

An adviser's reply stops the first-response clock; the automatic acknowledgement that asks for
missing facts does not. Every reply is stored redacted on the enquiry and its contact's timeline.
"""

from __future__ import annotations

import smtplib
import uuid
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, formataddr
from urllib.parse import urlsplit

from sqlmodel import Session

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
    """Where replies are sent: smtp://HOST:PORT (the MAIL_SMTP_URL setting)."""

    host: str
    port: int
    sender: str
    sender_name: str

    @classmethod
    def from_url(cls, url: str, sender: str, sender_name: str) -> Outbox:
        """Parse an smtp:// URL."""
        parts = urlsplit(url)
        if parts.scheme != "smtp" or not parts.hostname:
            raise ValueError("MAIL_SMTP_URL must look like smtp://host:port")
        return cls(host=parts.hostname, port=parts.port or 25, sender=sender,
                   sender_name=sender_name)

    def send(self, message: EmailMessage) -> None:
        """Hand one message to the SMTP server."""
        with smtplib.SMTP(self.host, self.port, timeout=10) as smtp:
            smtp.send_message(message)


def reply(outbox: Outbox, *, session: Session, enquiry: WrittenEnquiry, staff_id: str,
          text: str, at: datetime, counts_as_response: bool = True) -> str:
    """Send `text` to the customer in the enquiry's thread and record it; return its Message-ID."""
    if not enquiry.reply_to:
        raise ValueError("this enquiry has no address to reply to")
    thread = [m.message_id for m in messages(session=session, enquiry_id=enquiry.id)]
    message_id = f"<reply-{uuid.uuid4().hex}@{outbox.sender.split('@')[-1]}>"
    email = EmailMessage()
    email["From"] = formataddr((outbox.sender_name, outbox.sender))
    email["To"] = enquiry.reply_to
    subject = enquiry.subject or "Your enquiry"
    email["Subject"] = subject if subject.lower().startswith("re:") else f"Re: {subject}"
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


def reply_from(smtp_url: str, **reply_args) -> str:
    """An adviser's reply through the service's own address on `smtp_url` (the desk's port)."""
    config = load_written_config()
    return reply(Outbox.from_url(smtp_url, config.service_address, config.service_name),
                 **reply_args)


def acknowledgement(outbox: Outbox, *, session: Session, enquiry: WrittenEnquiry,
                    missing: list[str], at: datetime) -> str:
    """The automatic reply: the reference, when to expect an answer, and what we still need."""
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
    return reply(outbox, session=session, enquiry=enquiry, staff_id="system",
                 text="\n".join(lines), at=at, counts_as_response=False)
