"""A promised callback confirmed in writing at once and reminded an hour before (000:L21, L115).

The customer who agreed to texts (a UK mobile number and a ticked box) gets them through Twilio's
Messaging API (`ivr.voice.twilio_rest`, the one REST client); a written contact gets e-mails from
the service's own address. Each message is claimed once (routing.callback_messages) and passes
`engine.outbound_text.refusal` first. The contact's timeline says what happened to each — queued,
sent, delivered, failed, or not sent and why — with Twilio's MessageSid, never the words or the
number; the log says the same with the callback's id. A number that replied STOP is never texted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import formataddr

from flask import current_app
from sqlmodel import Session

from engine import promises
from engine.outbound_text import refusal
from engine.when import by_when
from ivr.connections import get_engine, get_twilio
from ivr.mailbox.replies import Outbox
from ivr.messaging.config import get_messages_config
from ivr.voice.twilio_rest import TwilioError
from models.callbacks import Callback, CallbackPublic
from models.contacts import EventKind
from models.db import session_scope
from models.opt_outs import opt_out, opted_out
from routing.callback_events import note
from routing.callback_messages import (
    claim_confirmation,
    claim_confirmations,
    claim_reminders,
    reminder_owed,
)
from routing.plan import default_directory
from routing.written import load_written_config

log = logging.getLogger("ivr.messaging")
PURPOSES = ("confirmation", "reminder")
# Twilio's "Attempt to send to unsubscribed recipient" (the number replied STOP to Twilio).
UNSUBSCRIBED = 21610


def confirm(callback_id: int, now: datetime) -> str | None:
    """Send a newly booked callback's confirmation, once; what became of it, or None if none
    is owed (the customer chose no writing, or another request already sent it)."""
    with Session(get_engine(), expire_on_commit=False) as session:
        claimed = claim_confirmation(session=session, callback_id=callback_id, now=now)
    return deliver(claimed, "confirmation", now) if claimed else None


def remind_due(now: datetime) -> int:
    """The worker's round: send confirmations still owed (booked where no request could send
    them), then remind every callback due within the configured time, once each; returns how
    many reminders went."""
    minutes = get_messages_config().reminder_minutes_before
    with Session(get_engine(), expire_on_commit=False) as session:
        owed = claim_confirmations(session=session, now=now)
    for callback in owed:
        deliver(callback, "confirmation", now)
    with Session(get_engine(), expire_on_commit=False) as session:
        claimed = claim_reminders(session=session, now=now, minutes_before=minutes)
    outcomes = [deliver(c, "reminder", now) for c in claimed if reminder_owed(c, minutes)]
    return sum(outcome in ("queued", "sent") for outcome in outcomes)


def deliver(callback: CallbackPublic, purpose: str, now: datetime) -> str:
    """Send one message about `callback`: queued, sent, failed or not_sent."""
    config = get_messages_config()
    words = _words(callback, now)
    if callback.notify == "sms":
        return _text(callback, purpose, now, config.sms[purpose].format(**words))
    subject = config.email[f"{purpose}_subject"].format(**words)
    return _email(callback, purpose, now, subject, config.email[purpose].format(**words))


def status_url(callback_id: int, purpose: str) -> str:
    """Where Twilio reports a text's status (signed; ivr.messaging.views)."""
    base = current_app.config["SETTINGS"].effective_public_base_url
    return f"{base}/messaging/status/{callback_id}/{purpose}"


def record(callback_id: int, contact_key: str, kind: EventKind, step: str, at: datetime,
           **detail: object) -> bool:
    """One line on the callback's contact's timeline (idempotent per step)."""
    row = Callback(id=callback_id, contact_key=contact_key)
    with session_scope(get_engine()) as session:
        return note(session, row, kind, step, at, **detail)


def _words(callback: CallbackPublic, now: datetime) -> dict[str, str]:
    directory = current_app.extensions.get("directory") or default_directory()
    owner = {"contractor_id": callback.contractor_id} if callback.contractor_id else {}
    who = promises.who_will_call(owner, directory)
    return {"who": who, "who_in_sentence": who[:1].lower() + who[1:],
            "when": by_when(callback.due_at, now, directory.timezone)}


@dataclass(frozen=True)
class Sent:
    """What became of one message: queued, sent, failed or not_sent, why, and Twilio's sid."""

    outcome: str
    reason: str | None = None
    sid: str | None = None
    status: str | None = None


def send_text(number: str, body: str, status_callback: str, now: datetime) -> Sent:
    """One text through Twilio, unless the number opted out, the words fail the outbound check
    or there is no sender; a number Twilio says replied STOP is recorded as opted out."""
    settings = current_app.config["SETTINGS"]
    key = settings.effective_secret_key
    with Session(get_engine()) as session:
        stopped = opted_out(session=session, number=number, key=key)
    if stopped:
        return Sent("not_sent", "opted_out")
    reason = refusal(body)
    if reason:
        return Sent("not_sent", reason)
    service = settings.twilio_messaging_service_sid
    if not (service or settings.effective_sms_from):
        return Sent("not_sent", "no_sender")
    try:
        answer = get_twilio().create_message(
            to=number, body=body, messaging_service_sid=service or None,
            from_=None if service else settings.effective_sms_from,
            status_callback=status_callback)
    except TwilioError as error:
        if error.code == UNSUBSCRIBED:
            with session_scope(get_engine()) as session:
                opt_out(session=session, number=number, key=key, at=now)
            return Sent("not_sent", "opted_out")
        return Sent("failed", f"twilio_{error.code or error.status}")
    return Sent("queued", sid=answer.get("sid"), status=answer.get("status") or "queued")


def send_email(address: str, subject: str, body: str) -> Sent:
    """One e-mail from the service's own address, unless the words fail the outbound check or
    there is no mail server."""
    reason = refusal(f"{subject}\n{body}")
    if reason:
        return Sent("not_sent", reason)
    settings = current_app.config["SETTINGS"]
    if not settings.mail_smtp_url:
        return Sent("not_sent", "no_mail_server")
    written = load_written_config()
    message = EmailMessage()
    message["From"] = formataddr((written.service_name, written.service_address))
    message["To"], message["Subject"] = address, subject
    message.set_content(body)
    try:
        Outbox.from_url(settings.mail_smtp_url, written.service_address, written.service_name,
                        ca_file=settings.mail_ca_file).send(message)
    except (OSError, ValueError) as error:
        return Sent("failed", type(error).__name__)
    return Sent("sent")


def _text(callback: CallbackPublic, purpose: str, now: datetime, body: str) -> str:
    sent = send_text(callback.phone or "", body, status_url(callback.id, purpose), now)
    return _recorded(callback, purpose, now, "sms", sent)


def _email(callback: CallbackPublic, purpose: str, now: datetime, subject: str,
           body: str) -> str:
    return _recorded(callback, purpose, now, "email",
                     send_email(callback.email or "", subject, body))


def _recorded(callback: CallbackPublic, purpose: str, now: datetime, channel: str,
              sent: Sent) -> str:
    if sent.outcome == "not_sent":
        return _not_sent(callback, purpose, now, channel, sent.reason or "")
    if sent.outcome == "failed":
        log.warning("%s %s for callback %s failed: %s", purpose,
                    "text" if channel == "sms" else "e-mail", callback.id, sent.reason)
        record(callback.id, callback.contact_key, EventKind.MESSAGE_FAILED, f"{purpose}-failed",
               now, purpose=purpose, channel=channel, reason=sent.reason)
        return "failed"
    if sent.outcome == "queued":
        record(callback.id, callback.contact_key, EventKind.MESSAGE_QUEUED, f"{purpose}-queued",
               now, purpose=purpose, channel="sms", sid=sent.sid, status=sent.status)
        log.info("%s text for callback %s queued", purpose, callback.id)
        return "queued"
    record(callback.id, callback.contact_key, EventKind.MESSAGE_SENT, f"{purpose}-sent", now,
           purpose=purpose, channel=channel)
    return "sent"


def _not_sent(callback: CallbackPublic, purpose: str, now: datetime, channel: str,
              reason: str) -> str:
    # The reason only: never the words that were refused, nor the number.
    log.warning("%s %s for callback %s not sent: %s", purpose, channel, callback.id, reason)
    record(callback.id, callback.contact_key, EventKind.MESSAGE_NOT_SENT, f"{purpose}-not-sent",
           now, purpose=purpose, channel=channel, reason=reason)
    return "not_sent"
