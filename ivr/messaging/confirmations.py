"""Sending the written confirmation of information given (engine.confirmations), by the worker.

Each round claims the confirmations whose attempt is due (models.confirmations: one attempt at a
time, under a lease) and sends each through the same paths as the callback messages
(`send_text`, `send_email` in ivr/messaging/sender.py): the outbound check, the opt-out list,
Twilio's Messaging API or the service's mail server. A confirmation is never lost: a failure (or
a text Twilio later reports undelivered) puts it back to pending with the next attempt's time
(config/messages.yaml `information.retry_minutes`), until it goes. Only a customer's STOP or the
outbound check ends one unsent, and the timeline says why. The timeline gets each step with the
confirmation's id and Twilio's MessageSid, never the words, the number or the address.
"""

from __future__ import annotations

import logging
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlmodel import Session

from engine.confirmations import ConfirmationConfig, compose, confirmable, retry_at
from ivr.connections import get_engine
from ivr.messaging.config import get_messages_config
from ivr.messaging.sender import Sent, send_email, send_text
from models.confirmations import (
    OPEN,
    InformationConfirmation,
    claim_due,
    counts,
    settle,
    undelivered,
)
from models.contacts import EventKind, UnknownContact, record_event
from models.db import session_scope

log = logging.getLogger("ivr.messaging")
PURPOSE = "information"
# Reasons a message was not sent that a setting put right will cure: tried again, not ended.
RETRIED_REASONS = frozenset({"no_sender", "no_mail_server"})


def send_due(now: datetime) -> int:
    """The worker's round: send every confirmation whose attempt is due; how many went."""
    config = get_messages_config().information
    with Session(get_engine(), expire_on_commit=False) as session:
        claimed = claim_due(session=session, now=now, lease_seconds=config.lease_seconds)
        late = counts(session=session, now=now)["overdue"]
    if late:  # the supervisor's dashboard raises the same as an alert
        log.warning("%d information confirmations are overdue", late)
    return sum(_send(row, now, config) == "sent" for row in claimed)


def status_url(confirmation_id: int) -> str:
    """Where Twilio reports a confirmation text's status (signed; ivr.messaging.views)."""
    base = current_app.config["SETTINGS"].effective_public_base_url
    return f"{base}/messaging/information/{confirmation_id}/status"


def reported(confirmation_id: int, sid: str, status: str, error_code: str | None,
             now: datetime) -> None:
    """A text's status from Twilio on the timeline; undelivered or failed is tried again."""
    with session_scope(get_engine()) as session:
        row = session.get(InformationConfirmation, confirmation_id)
        if row is None:  # erased with its contact
            return
        key = row.contact_key
    kind = EventKind.MESSAGE_DELIVERED if status == "delivered" else EventKind.MESSAGE_SENT
    if status in ("failed", "undelivered"):
        config = get_messages_config().information
        with Session(get_engine()) as session:
            again = undelivered(session=session, confirmation_id=confirmation_id, sid=sid,
                                retry_at=retry_at(now, row.attempts, config.retry_minutes),
                                reason=f"twilio_{error_code or status}")
        if again is None:
            return  # not this text's confirmation any more (already tried again)
        kind = EventKind.MESSAGE_FAILED
        log.warning("information text %s %s: tried again at %s", confirmation_id, status,
                    again.next_attempt_at.isoformat())
    _record(key, confirmation_id, kind, f"{sid}-{status}", now, channel="sms", sid=sid,
            status=status, error_code=error_code)


def note_opt_change(number: str, kind: EventKind, step: str, now: datetime) -> None:
    """A STOP or START on the timelines of the open confirmations to `number`."""
    with session_scope(get_engine()) as session:
        waiting = session.execute(sa.select(
            InformationConfirmation.id, InformationConfirmation.contact_key).where(
            InformationConfirmation.phone == number,
            InformationConfirmation.status.in_(OPEN))).all()
    for confirmation_id, key in waiting:
        _record(key, confirmation_id, kind, step, now, channel="sms")


def _send(row: InformationConfirmation, now: datetime, config: ConfirmationConfig) -> str:
    wanted = set(row.articles)
    # Articles withdrawn from the knowledge base since the wrap-up are left out.
    articles = [a for a in confirmable() if a.id in wanted]
    if not articles:
        sent = Sent("not_sent", "no_articles")
    else:
        subject, body = compose(articles, row.notify, config)
        if row.notify == "sms":
            sent = send_text(row.phone or "", body, status_url(row.id), now)
        else:
            sent = send_email(row.email or "", subject or "", body)
    step, detail = f"attempt-{row.attempts}", {"channel": row.notify, "attempt": row.attempts}
    with Session(get_engine()) as session:
        if sent.outcome in ("queued", "sent"):
            ours = settle(session=session, confirmation_id=row.id, attempt=row.attempts,
                          status="sent", sent_at=now, sid=sent.sid, reason=None)
            kind = EventKind.MESSAGE_QUEUED if sent.outcome == "queued" else EventKind.MESSAGE_SENT
            detail |= {"sid": sent.sid, "status": sent.status or sent.outcome}
            outcome = "sent"
        elif sent.outcome == "not_sent" and sent.reason not in RETRIED_REASONS:
            ours = settle(session=session, confirmation_id=row.id, attempt=row.attempts,
                          status="not_sent", reason=sent.reason)
            kind, outcome = EventKind.MESSAGE_NOT_SENT, "not_sent"
            detail |= {"reason": sent.reason}
        else:
            again = retry_at(now, row.attempts, config.retry_minutes)
            ours = settle(session=session, confirmation_id=row.id, attempt=row.attempts,
                          status="pending", next_attempt_at=again, reason=sent.reason)
            kind, outcome = EventKind.MESSAGE_FAILED, "failed"
            detail |= {"reason": sent.reason, "retry_at": again.isoformat()}
    # The reason only: never the words refused, nor the number or address.
    log.log(logging.INFO if outcome == "sent" else logging.WARNING,
            "information %s for confirmation %s: %s %s", row.notify, row.id, outcome,
            sent.reason or "")
    if ours:
        _record(row.contact_key, row.id, kind, step, now, **detail)
    return outcome


def _record(contact_key: str, confirmation_id: int, kind: EventKind, step: str, at: datetime,
            **detail: object) -> None:
    detail = {"confirmation_id": confirmation_id, "purpose": PURPOSE,
              **{k: v for k, v in detail.items() if v is not None}}
    try:
        with session_scope(get_engine()) as session:
            record_event(session=session, contact_key=contact_key, kind=kind, at=at,
                         event_id=f"confirmation-{confirmation_id}:{step}", detail=detail)
    except UnknownContact:
        log.warning("information confirmation %s: its contact has gone", confirmation_id)
