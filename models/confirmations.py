"""Written confirmation of the information a customer was given: one row per confirmation owed.

An adviser's wrap-up chooses knowledge articles (000:L21: information confirmed in writing, by
e-mail or text, within 5 working days) for a customer who agreed to be contacted; the row holds
the articles' ids, how and where to send them, and when they are due. Never the reason, the
summary or the customer's words (000:L35): the message is built from the articles alone.

A confirmation is claimed for one attempt at a time by one UPDATE … RETURNING (status `sending`
with a lease), so worker replicas never send one together. Unlike a callback's confirmation,
a failed attempt is not final: it goes back to `pending` with the next attempt's time, so a
promise in writing is never lost; a replica that dies mid-send leaves a lease that lapses, and
the next round tries again. Only the customer's opt-out or the outbound check ends one unsent.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy import JSON, Index
from sqlmodel import Field, Session, SQLModel

from models.timestamps import UTCDateTime

STATUSES = ("pending", "sending", "sent", "not_sent")
OPEN = ("pending", "sending")
NOTIFY = ("sms", "email")
CLAIM_BATCH = 50  # per round; the next round takes the rest


class InformationConfirmation(SQLModel, table=True):
    """Knowledge articles to confirm to a customer in writing, and what became of it."""

    __tablename__ = "information_confirmation"
    __table_args__ = (Index("ix_information_confirmation_open", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    contact_key: str = Field(max_length=128, index=True)
    articles: list[str] = Field(default_factory=list, sa_type=JSON)
    notify: str = Field(max_length=8)
    phone: str | None = Field(default=None, max_length=20)
    email: str | None = Field(default=None, max_length=254)
    created_at: datetime = Field(sa_type=UTCDateTime)
    due_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default="pending", max_length=16)
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=UTCDateTime)
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    sid: str | None = Field(default=None, max_length=64)
    reason: str | None = Field(default=None, max_length=64)  # why it failed or was not sent


def arrange(*, session: Session, contact_key: str, articles: list[str], notify: str,
            to: str, at: datetime, due_at: datetime) -> InformationConfirmation:
    """Store a confirmation owed, to send at once (the worker's next round); commits."""
    if notify not in NOTIFY:
        raise ValueError(f"notify must be one of {', '.join(NOTIFY)}")
    row = InformationConfirmation(
        contact_key=contact_key, articles=list(articles), notify=notify, created_at=at,
        due_at=due_at, next_attempt_at=at, phone=to if notify == "sms" else None,
        email=to if notify == "email" else None)
    session.add(row)
    session.commit()
    session.refresh(row)
    return row


def claim_due(*, session: Session, now: datetime,
              lease_seconds: float) -> list[InformationConfirmation]:
    """Confirmations whose attempt is due now (or whose last attempt's lease lapsed), each now
    ours for one attempt; commits before anything is sent."""
    table = InformationConfirmation.__table__
    due = sa.or_(sa.and_(table.c.status == "pending", table.c.next_attempt_at <= now),
                 sa.and_(table.c.status == "sending", table.c.lease_until <= now))
    ids = list(session.scalars(sa.select(table.c.id).where(due)
                               .order_by(table.c.due_at, table.c.id).limit(CLAIM_BATCH)))
    if not ids:
        session.commit()
        return []
    rows = session.execute(
        sa.update(table).where(table.c.id.in_(ids), due)
        .values(status="sending", attempts=table.c.attempts + 1,
                lease_until=now + timedelta(seconds=lease_seconds))
        .returning(*table.c)).mappings().all()
    session.commit()
    return [InformationConfirmation(**row) for row in rows]


def settle(*, session: Session, confirmation_id: int, attempt: int, status: str,
           **values: Any) -> bool:
    """Record what became of attempt `attempt` (sent, not_sent, or pending again with its next
    attempt's time); False when a later attempt has taken it over meanwhile. Commits."""
    if status not in STATUSES:
        raise ValueError(f"unknown status {status!r}")
    table = InformationConfirmation.__table__
    changed = session.execute(sa.update(table).where(
        table.c.id == confirmation_id, table.c.attempts == attempt)
        .values(status=status, lease_until=None, **values)).rowcount
    session.commit()
    return bool(changed)


def undelivered(*, session: Session, confirmation_id: int, sid: str,
                retry_at: datetime, reason: str) -> InformationConfirmation | None:
    """A text Twilio later reported undelivered goes back to `pending` for another attempt; the
    row, or None when it is not that text's (already retried, or erased). Commits."""
    table = InformationConfirmation.__table__
    row = session.execute(sa.update(table).where(
        table.c.id == confirmation_id, table.c.sid == sid, table.c.status == "sent")
        .values(status="pending", next_attempt_at=retry_at, reason=reason, sent_at=None)
        .returning(*table.c)).mappings().first()
    session.commit()
    return InformationConfirmation(**row) if row else None


def counts(*, session: Session, now: datetime) -> dict[str, int]:
    """Open confirmations, and those past their due time (for the supervisor's dashboard)."""
    table = InformationConfirmation.__table__
    still_open = table.c.status.in_(OPEN)
    pending, overdue = session.execute(sa.select(
        sa.func.count().filter(still_open),
        sa.func.count().filter(sa.and_(still_open, table.c.due_at < now)))).one()
    return {"pending": pending, "overdue": overdue}
