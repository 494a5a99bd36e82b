"""Safeguarding alert cases: what supervisors did about each alert, kept durably (003:L211).

The alert itself is a Redis stream entry (routing.safeguarding_alerts), a live feed capped in
length; each one becomes a row here, keyed by its stream id and contact key, and the row carries
its life: raised (new) -> acknowledged -> closed, who it is assigned to and the outcome chosen
(config/safeguarding.yaml). A row holds where and what kind, who did what and when: never the
customer's words, which stay only in the redacted contact timeline.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, Index, UniqueConstraint
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Field, Session, SQLModel, select

from models.timestamps import UTCDateTime, require_utc

STATUSES = ("new", "acknowledged", "closed")
OPEN_STATUSES = ("new", "acknowledged")
ERASED_CONTACT = "erased"  # the contact key of a case whose contact was erased (models.erasure)


class CaseError(ValueError):
    """A change the case's state does not allow (the message says why)."""


class SafeguardingCase(SQLModel, table=True):
    """One safeguarding alert and what supervisors did about it."""

    __tablename__ = "safeguarding_alert_case"
    __table_args__ = (
        UniqueConstraint("alert_id", "contact_key", name="uq_safeguarding_case_alert"),
        CheckConstraint(f"status IN {STATUSES!r}", name="ck_safeguarding_case_status"),
        Index("ix_safeguarding_case_status_raised", "status", "raised_at"),
        Index("ix_safeguarding_case_raised", "raised_at"),
        Index("ix_safeguarding_case_contact", "contact_key"),
    )

    id: int | None = Field(default=None, primary_key=True)
    alert_id: str = Field(max_length=32)  # the Redis stream entry id
    contact_key: str = Field(max_length=128)
    channel: str = Field(max_length=16)
    kind: str = Field(max_length=16)
    explicit: bool
    about: str = Field(max_length=8)
    rule: str = Field(max_length=64)  # the screen's rule name or "model": never the words
    step: str = Field(max_length=32)  # where the contact was when it was raised
    adviser: str | None = Field(default=None, max_length=64)  # with the customer when raised
    raised_at: datetime = Field(sa_type=UTCDateTime)
    status: str = Field(default="new", max_length=16)
    acknowledged_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    acknowledged_by: str | None = Field(default=None, max_length=64)
    assigned_to: str | None = Field(default=None, max_length=64)
    assigned_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    assigned_by: str | None = Field(default=None, max_length=64)
    outcome: str | None = Field(default=None, max_length=48)
    outcome_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    outcome_by: str | None = Field(default=None, max_length=64)
    closed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    closed_by: str | None = Field(default=None, max_length=64)


def record_alerts(*, session: Session, alerts: Iterable[dict[str, str]]) -> int:
    """Insert a case for each stream entry not yet known (its `id` and fields); returns how many
    rows the statement offered. Safe when two processes record the same entry at once."""
    rows = [row for row in map(_row, alerts) if row]
    if not rows:
        return 0
    dialect = session.connection().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(SafeguardingCase.__table__).values(rows).on_conflict_do_nothing(
        index_elements=["alert_id", "contact_key"])
    session.exec(statement)
    return len(rows)


def _row(alert: dict[str, str]) -> dict[str, Any] | None:
    """A case's columns from a stream entry; None for an entry without a readable time (skipped:
    nothing else in it could be trusted either)."""
    try:
        raised_at = require_utc(datetime.fromisoformat(alert["at"]))
    except (KeyError, TypeError, ValueError):
        return None
    return {"alert_id": alert["id"][:32], "contact_key": alert.get("contact", "")[:128],
            "channel": alert.get("channel", "")[:16], "kind": alert.get("kind", "")[:16],
            "explicit": alert.get("explicit") == "1", "about": alert.get("about", "self")[:8],
            "rule": alert.get("rule", "")[:64], "step": alert.get("where", "")[:32],
            "adviser": (alert.get("adviser") or None) and alert["adviser"][:64],
            "raised_at": raised_at, "status": "new"}


def get_case(*, session: Session, alert_id: str) -> SafeguardingCase | None:
    """The case of stream entry `alert_id`, if recorded."""
    return session.exec(select(SafeguardingCase).where(SafeguardingCase.alert_id == alert_id)
                        ).first()


def live_cases(*, session: Session, closed_since: datetime, limit: int = 200
               ) -> Sequence[SafeguardingCase]:
    """Every open case and those closed since `closed_since`, newest first."""
    query = select(SafeguardingCase).where(sa.or_(
        SafeguardingCase.status.in_(OPEN_STATUSES), SafeguardingCase.closed_at >= closed_since))
    return session.exec(query.order_by(SafeguardingCase.raised_at.desc(),
                                       SafeguardingCase.id.desc()).limit(limit)).all()


def search_cases(*, session: Session, since: datetime | None = None,
                 until: datetime | None = None, channel: str | None = None,
                 kind: str | None = None, status: str | None = None,
                 limit: int = 500) -> Sequence[SafeguardingCase]:
    """Cases raised in [since, until) matching every filter given, newest first."""
    query = select(SafeguardingCase)
    if since:
        query = query.where(SafeguardingCase.raised_at >= since)
    if until:
        query = query.where(SafeguardingCase.raised_at < until)
    for column, value in ((SafeguardingCase.channel, channel), (SafeguardingCase.kind, kind),
                          (SafeguardingCase.status, status)):
        if value:
            query = query.where(column == value)
    return session.exec(query.order_by(SafeguardingCase.raised_at.desc(),
                                       SafeguardingCase.id.desc()).limit(limit)).all()


def count_overdue(*, session: Session, raised_before: datetime) -> int:
    """New (unacknowledged) cases raised before `raised_before`."""
    query = select(sa.func.count()).select_from(SafeguardingCase).where(
        SafeguardingCase.status == "new", SafeguardingCase.raised_at < raised_before)
    return int(session.exec(query).one())


def open_counts(*, session: Session) -> dict[str, int]:
    """How many cases are in each open state (zero where none)."""
    query = (select(SafeguardingCase.status, sa.func.count()).where(
        SafeguardingCase.status.in_(OPEN_STATUSES)).group_by(SafeguardingCase.status))
    found = dict(session.exec(query).all())
    return {status: int(found.get(status, 0)) for status in OPEN_STATUSES}


def acknowledge(*, session: Session, case: SafeguardingCase, by: str, at: datetime) -> None:
    """A supervisor has seen the alert and is acting on it."""
    if case.status != "new":
        raise CaseError(f"this alert is already {case.status}")
    case.status, case.acknowledged_at, case.acknowledged_by = "acknowledged", at, by
    session.add(case)


def assign(*, session: Session, case: SafeguardingCase, to: str, by: str, at: datetime) -> None:
    """Give the alert to a supervisor or adviser; assigning a new alert acknowledges it too."""
    _open(case)
    if case.status == "new":
        acknowledge(session=session, case=case, by=by, at=at)
    case.assigned_to, case.assigned_at, case.assigned_by = to, at, by
    session.add(case)


def set_outcome(*, session: Session, case: SafeguardingCase, outcome: str, by: str,
                at: datetime) -> None:
    """Record what was done (an outcome code from config/safeguarding.yaml)."""
    _open(case)
    case.outcome, case.outcome_at, case.outcome_by = outcome, at, by
    session.add(case)


def close(*, session: Session, case: SafeguardingCase, by: str, at: datetime) -> None:
    """Close an acknowledged alert that has an outcome."""
    _open(case)
    if case.status == "new":
        raise CaseError("acknowledge the alert before closing it")
    if not case.outcome:
        raise CaseError("choose an outcome before closing the alert")
    case.status, case.closed_at, case.closed_by = "closed", at, by
    session.add(case)


def _open(case: SafeguardingCase) -> None:
    if case.status == "closed":
        raise CaseError("this alert is closed")
