"""Invitations to the 31-day sample survey: one per last contact sampled, and its one-use link.

A row is planned for a contact sampled 31 days after it (engine.survey_31_day), then sent by the
worker's messages round like an information confirmation: one attempt at a time under a lease,
a failure back to `pending` with the next attempt's time. The link's token is never stored: only
its SHA-256, set before each attempt (a retried send has a new token, the old link never went).
The token is spent by one UPDATE … WHERE used_at IS NULL, so a link answers once.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import Index
from sqlmodel import Field, Session, SQLModel

from models.statements import insert_ignoring
from models.timestamps import UTCDateTime, require_utc

STATUSES = ("pending", "sending", "sent", "not_sent")


class SurveyInvitation(SQLModel, table=True):
    """One customer's invitation to the 31-day survey: where to send it and its link's state."""

    __tablename__ = "survey_invitation"
    __table_args__ = (Index("ix_survey_invitation_open", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    contact_key: str = Field(max_length=128, unique=True)  # the customer's last contact
    channel: str = Field(max_length=16)
    route: str = Field(default="", max_length=40)
    notify: str = Field(max_length=8)
    phone: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=254)
    created_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=UTCDateTime)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sid: str | None = Field(default=None, max_length=64)
    reason: str | None = Field(default=None, max_length=64)
    token_sha256: str | None = Field(default=None, max_length=64, unique=True)
    expires_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


def plan(*, session: Session, contact_key: str, channel: str, route: str, notify: str,
         to: str, at: datetime) -> bool:
    """Store an invitation to send at once; False when the contact already has one. Returns
    before committing (the caller commits)."""
    row = {"contact_key": contact_key, "channel": channel, "route": route or "",
           "notify": notify, "phone": to if notify == "sms" else None,
           "email": to if notify == "email" else None, "created_at": require_utc(at),
           "status": "pending", "attempts": 0, "next_attempt_at": require_utc(at)}
    statement = insert_ignoring(session, SurveyInvitation, row, ["contact_key"]).returning(
        SurveyInvitation.__table__.c.id)
    return session.execute(statement).first() is not None


def claim_due(*, session: Session, now: datetime, lease_seconds: float,
              limit: int) -> list[SurveyInvitation]:
    """Invitations whose attempt is due (or whose lease lapsed), each now ours for one attempt;
    commits before anything is sent."""
    table = SurveyInvitation.__table__
    due = sa.or_(sa.and_(table.c.status == "pending", table.c.next_attempt_at <= now),
                 sa.and_(table.c.status == "sending", table.c.lease_until <= now))
    ids = list(session.scalars(sa.select(table.c.id).where(due)
                               .order_by(table.c.next_attempt_at, table.c.id).limit(limit)))
    if not ids:
        session.commit()
        return []
    rows = session.execute(
        sa.update(table).where(table.c.id.in_(ids), due)
        .values(status="sending", attempts=table.c.attempts + 1,
                lease_until=now + timedelta(seconds=lease_seconds))
        .returning(*table.c)).mappings().all()
    session.commit()
    return [SurveyInvitation(**row) for row in rows]


def settle(*, session: Session, invitation_id: int, attempt: int, status: str,
           **values: Any) -> bool:
    """Record what became of attempt `attempt` (its token, sent, not_sent, or pending again);
    False when a later attempt has taken it over. Commits."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    table = SurveyInvitation.__table__
    changed = session.execute(sa.update(table).where(
        table.c.id == invitation_id, table.c.attempts == attempt)
        .values(status=status, lease_until=None, **values)).rowcount
    session.commit()
    return bool(changed)


def arm(*, session: Session, invitation_id: int, attempt: int, token_sha256: str,
        expires_at: datetime) -> bool:
    """The link of attempt `attempt`: its token's hash and expiry, before the message goes;
    False when a later attempt has taken it over. Commits."""
    table = SurveyInvitation.__table__
    changed = session.execute(sa.update(table).where(
        table.c.id == invitation_id, table.c.attempts == attempt)
        .values(token_sha256=token_sha256, expires_at=require_utc(expires_at))).rowcount
    session.commit()
    return bool(changed)


def find(*, session: Session, token_sha256: str) -> SurveyInvitation | None:
    """The invitation whose link has this token's hash, if any."""
    return session.execute(sa.select(SurveyInvitation).where(
        SurveyInvitation.token_sha256 == token_sha256)).scalars().first()


def spend(*, session: Session, token_sha256: str, now: datetime) -> SurveyInvitation | None:
    """Use the link once: the invitation, or None when it is unknown, used or expired. Returns
    before committing (the caller stores the answer in the same transaction)."""
    table = SurveyInvitation.__table__
    row = session.execute(sa.update(table).where(
        table.c.token_sha256 == token_sha256, table.c.used_at.is_(None),
        table.c.expires_at > require_utc(now))
        .values(used_at=require_utc(now)).returning(*table.c)).mappings().first()
    return SurveyInvitation(**row) if row else None
