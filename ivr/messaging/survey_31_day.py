"""Sending the 31-day sample survey (engine.survey_31_day), by the worker's messages round.

Each round invites the customers whose last contact fell due (sampled and eligible), then
claims the invitations whose attempt is due and sends each through the same paths as every
other message (`send_text`, `send_email`: the opt-out list, the outbound check, Twilio or the
mail server). Each attempt has a new link token, armed before the message goes; a failure is
tried again after `retry_minutes` up to `max_attempts`. The timeline gets each step with the
purpose `survey_31_day`, never the words, the link, the number or the address.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from flask import current_app
from sqlmodel import Session

from engine.outbound_text import refusal
from engine.survey_31_config import Survey31Config
from engine.survey_31_day import compose, new_token, plan_due, survey_config
from ivr.connections import get_engine
from ivr.messaging.sender import Sent, send_email, send_text
from models.contacts import EventKind, UnknownContact, record_event
from models.db import session_scope
from models.survey_invitations import SurveyInvitation, arm, claim_due, settle

log = logging.getLogger("ivr.messaging")
PURPOSE = "survey_31_day"
RETRIED_REASONS = frozenset({"no_sender", "no_mail_server"})
# Once an invitation has gone (or ended), where it went is no longer needed: it is forgotten.
FORGET = {"phone": None, "email": None}
TOKEN_TRIES = 5  # a token whose characters the outbound check would refuse is drawn again


def send_due(now: datetime) -> int:
    """The worker's round: invite who fell due, then send each invitation due; how many went."""
    config = survey_config()
    secret_key = current_app.config["SETTINGS"].effective_secret_key
    with Session(get_engine(), expire_on_commit=False) as session:
        planned = plan_due(session=session, now=now, config=config, secret_key=secret_key)
        claimed = claim_due(session=session, now=now, lease_seconds=config.lease_seconds,
                            limit=config.batch_size)
    if planned:
        log.info("31-day survey: %s", ", ".join(f"{k} {v}" for k, v in sorted(planned.items())))
    return sum(_send(row, now, config) == "sent" for row in claimed)


def link(token: str) -> str:
    """The public page of one invitation's link (ivr.forms.survey_views)."""
    return f"{current_app.config['SETTINGS'].effective_public_base_url}/survey/{token}"


def status_url(invitation_id: int) -> str:
    """Where Twilio reports a survey text's status (signed; ivr.messaging.views)."""
    base = current_app.config["SETTINGS"].effective_public_base_url
    return f"{base}/messaging/survey/{invitation_id}/status"


def _message(row: SurveyInvitation, config: Survey31Config) -> tuple[str, str | None, str]:
    """(token hash, subject, body) for a fresh token the outbound check lets through."""
    for _ in range(TOKEN_TRIES):
        token, digest = new_token(config)
        subject, body = compose(row.notify, link(token), config)
        if refusal(f"{subject or ''}\n{body}") is None:
            break
    return digest, subject, body


def _send(row: SurveyInvitation, now: datetime, config: Survey31Config) -> str:
    digest, subject, body = _message(row, config)
    with Session(get_engine()) as session:
        if not arm(session=session, invitation_id=row.id, attempt=row.attempts,
                   token_sha256=digest, expires_at=now + timedelta(days=config.expires_days)):
            return "taken"  # a later attempt has it
    if row.notify == "sms":
        sent = send_text(row.phone or "", body, status_url(row.id), now)
    else:
        sent = send_email(row.email or "", subject or "", body)
    detail: dict[str, object] = {"channel": row.notify, "attempt": row.attempts}
    with Session(get_engine()) as session:
        if sent.outcome in ("queued", "sent"):
            ours = settle(session=session, invitation_id=row.id, attempt=row.attempts,
                          status="sent", sent_at=now, sid=sent.sid, reason=None, **FORGET)
            kind = EventKind.MESSAGE_QUEUED if sent.outcome == "queued" else EventKind.MESSAGE_SENT
            detail |= {"sid": sent.sid, "status": sent.status or sent.outcome}
            outcome = "sent"
        elif _final(sent, row, config):
            ours = settle(session=session, invitation_id=row.id, attempt=row.attempts,
                          status="not_sent", reason=sent.reason, token_sha256=None, **FORGET)
            kind, outcome = EventKind.MESSAGE_NOT_SENT, "not_sent"
            detail |= {"reason": sent.reason}
        else:
            step = config.retry_minutes[min(row.attempts, len(config.retry_minutes)) - 1]
            again = now + timedelta(minutes=step)
            ours = settle(session=session, invitation_id=row.id, attempt=row.attempts,
                          status="pending", next_attempt_at=again, reason=sent.reason)
            kind, outcome = EventKind.MESSAGE_FAILED, "failed"
            detail |= {"reason": sent.reason, "retry_at": again.isoformat()}
    log.log(logging.INFO if outcome == "sent" else logging.WARNING,
            "31-day survey %s for invitation %s: %s %s", row.notify, row.id, outcome,
            sent.reason or "")
    if ours:
        _record(row.contact_key, row.id, kind, f"attempt-{row.attempts}", now, **detail)
    return outcome


def _final(sent: Sent, row: SurveyInvitation, config: Survey31Config) -> bool:
    """A STOP or the outbound check ends the invitation, as does the last attempt failing."""
    if sent.outcome == "not_sent" and sent.reason not in RETRIED_REASONS:
        return True
    return row.attempts >= config.max_attempts


def _record(contact_key: str, invitation_id: int, kind: EventKind, step: str, at: datetime,
            **detail: object) -> None:
    detail = {"invitation_id": invitation_id, "purpose": PURPOSE,
              **{k: v for k, v in detail.items() if v is not None}}
    try:
        with session_scope(get_engine()) as session:
            record_event(session=session, contact_key=contact_key, kind=kind, at=at,
                         event_id=f"survey-31-{invitation_id}:{step}", detail=detail)
    except UnknownContact:
        log.warning("31-day survey invitation %s: its contact has gone", invitation_id)
