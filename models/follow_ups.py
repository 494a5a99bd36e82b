"""Follow-up tables: a customer flagged for follow-up after their last contact, and customers who
declined follow-up.

A follow-up holds only what the rule and the report need (001:29.1): which customer record and
which last contact it follows, the contact's channel, which target the customer counts towards,
the stage (one month, three months), when it fell due, and the outcome code. Never a name, a
number or words: the way to reach the customer is looked up when an adviser starts it, into the
callback that carries the call (models.callbacks). The rules live in routing.follow_up_rules and
the round and the work in routing.follow_up.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, Column, Index, UniqueConstraint
from sqlmodel import Field, Session, SQLModel, select

from models.timestamps import UTCDateTime, require_utc

# open: on the worklist; completed: an outcome recorded; declined: the customer said no;
# unreachable: no way to reach them, or every attempt failed; cancelled: a newer contact
# started the programme again; not_followed: their last contact's route is not followed up.
STATUSES = ("open", "completed", "declined", "unreachable", "cancelled", "not_followed")
FINISHED = tuple(s for s in STATUSES if s != "open")
CALLBACK_PREFIX = "follow-up:"  # the contact key of the callback that carries a follow-up


class FollowUp(SQLModel, table=True):
    """One follow-up of one customer's last contact, at one stage."""

    __tablename__ = "follow_up"
    __table_args__ = (
        UniqueConstraint("contact_key", "stage", name="uq_follow_up_contact_stage"),
        CheckConstraint("stage IN (1, 2)", name="ck_follow_up_stage"),
        CheckConstraint(f"status IN {STATUSES!r}", name="ck_follow_up_status"),
        Index("ix_follow_up_status_due", "status", "due_at", "id"),
        Index("ix_follow_up_next_due", "stage", "next_due_at"),
        Index("ix_follow_up_finished", "finished_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    customer_id: int = Field(sa_column=Column(
        sa.Integer, sa.ForeignKey("customer.id", ondelete="CASCADE"), nullable=False,
        index=True))
    contact_key: str = Field(max_length=64)  # the customer's last contact when it was flagged
    last_contact_at: datetime = Field(sa_type=UTCDateTime)  # when it was: a later one supersedes
    channel: str = Field(max_length=16)  # that contact's channel: how to reach them
    service: str | None = Field(default=None, max_length=16)  # "information" or "advice"
    stage: int
    due_at: datetime = Field(sa_type=UTCDateTime)
    flagged_at: datetime = Field(sa_type=UTCDateTime)
    # Stage 1 only: when stage 2 falls due (kept so the round finds it without date arithmetic).
    next_due_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    status: str = Field(default="open", max_length=16)
    callback_id: int | None = None  # the callback that carries the call or e-mail, once started
    outcome: str | None = Field(default=None, max_length=32)  # config/follow_up.yaml's code
    positive: bool | None = None
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    finished_by: str | None = Field(default=None, max_length=64)


class FollowUpOptOut(SQLModel, table=True):
    """A customer who declined follow-up, and on which channel; it goes with their record."""

    __tablename__ = "follow_up_opt_out"

    customer_id: int = Field(sa_column=Column(
        sa.Integer, sa.ForeignKey("customer.id", ondelete="CASCADE"), primary_key=True))
    channel: str = Field(max_length=16)
    declined_at: datetime = Field(sa_type=UTCDateTime)


def programme_running(customer_id: Any) -> sa.ColumnElement[bool]:
    """Whether a customer's follow-up programme still needs their record: a follow-up open, or
    the second not yet flagged (retention keeps the record until then; models.retention)."""
    second = sa.select(FollowUp.id).where(FollowUp.customer_id == customer_id,
                                          FollowUp.stage == 2)
    waiting = sa.select(FollowUp.id).where(
        FollowUp.customer_id == customer_id,
        sa.or_(FollowUp.status == "open",
               sa.and_(FollowUp.stage == 1, FollowUp.next_due_at.is_not(None),
                       FollowUp.status.in_(("open", "completed", "unreachable")),
                       ~sa.exists(second))))
    return sa.exists(waiting)


def callback_key(follow_up_id: int) -> str:
    """The contact key of the callback that carries follow-up `follow_up_id`."""
    return f"{CALLBACK_PREFIX}{follow_up_id}"


def get_follow_up(*, session: Session, follow_up_id: int) -> FollowUp | None:
    """The follow-up, or None."""
    return session.get(FollowUp, follow_up_id)


def has_declined(*, session: Session, customer_id: int) -> bool:
    """Whether the customer declined follow-up."""
    return session.get(FollowUpOptOut, customer_id) is not None


def record_decline(*, session: Session, customer_id: int, channel: str, at: datetime) -> bool:
    """Record that the customer declines follow-up and close their open follow-ups as declined;
    False if they had already declined. Returns before committing (the caller commits)."""
    at = require_utc(at)
    first = session.get(FollowUpOptOut, customer_id) is None
    if first:
        session.add(FollowUpOptOut(customer_id=customer_id, channel=channel, declined_at=at))
    session.execute(sa.update(FollowUp).where(
        FollowUp.customer_id == customer_id, FollowUp.status == "open").values(
            status="declined", finished_at=at))
    session.flush()
    return first


def open_follow_ups(*, session: Session, limit: int = 100,
                    customer_id: int | None = None) -> list[FollowUp]:
    """Open follow-ups, soonest due first."""
    query = select(FollowUp).where(FollowUp.status == "open")
    if customer_id is not None:
        query = query.where(FollowUp.customer_id == customer_id)
    return list(session.exec(query.order_by(FollowUp.due_at, FollowUp.id).limit(limit)))


def finished_between(*, session: Session, start: datetime, end: datetime) -> list[FollowUp]:
    """Follow-ups completed with an outcome in [start, end)."""
    query = select(FollowUp).where(FollowUp.status == "completed",
                                   FollowUp.finished_at >= require_utc(start),
                                   FollowUp.finished_at < require_utc(end))
    return list(session.exec(query))


def follow_ups_for(*, session: Session, customer_id: int) -> dict[str, Any]:
    """What the follow-up programme holds about a customer, for a subject access request."""
    rows = session.exec(select(FollowUp).where(FollowUp.customer_id == customer_id)
                        .order_by(FollowUp.id)).all()
    declined = session.get(FollowUpOptOut, customer_id)
    return {
        "declined": None if declined is None else {
            "channel": declined.channel, "at": declined.declined_at.isoformat()},
        "follow_ups": [{"stage": f.stage, "due_at": f.due_at.isoformat(), "status": f.status,
                        "service": f.service, "outcome": f.outcome,
                        "finished_at": f.finished_at.isoformat() if f.finished_at else None}
                       for f in rows if f.status != "not_followed"],
    }
