"""Quality evaluations: a supervisor's scores for one adviser's handling of one contact.

The sample each week is drawn from the contact timeline's `answered` events naming the adviser
(models.records.ContactEvent), ordered by a hash of the week and the contact, so asking twice
gives the same contacts and nobody can choose which are scored. One evaluation per contact.
Scores and a redacted comment only: the customer's words stay in the (redacted) timeline.
"""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Column, Field, Session, SQLModel, select

from models.contacts import EventKind, adviser_of
from models.records import Contact, ContactEvent
from models.timestamps import UTCDateTime, require_utc


class QualityEvaluation(SQLModel, table=True):
    """One contact's evaluation: each question's answer, the weighted score, a comment."""

    __tablename__ = "quality_evaluation"
    id: int | None = Field(default=None, primary_key=True)
    contact_key: str = Field(max_length=64, sa_column_kwargs={"unique": True})
    adviser_id: int = Field(index=True)
    week: str = Field(max_length=8, index=True)  # ISO week, e.g. 2026-W49 (the centre's time)
    evaluator: str = Field(max_length=64)
    answers: dict[str, str] = Field(sa_column=Column(sa.JSON, nullable=False))
    score: float | None = None  # None when every question was not applicable
    comment: str = Field(default="", sa_column=Column(sa.Text, nullable=False))
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


def answered_by(*, session: Session, start: datetime, end: datetime) -> dict[int, list[str]]:
    """Contact keys answered in [start, end), per adviser id (from the timeline)."""
    rows = session.exec(select(Contact.key, ContactEvent.detail).join(
        Contact, Contact.id == ContactEvent.contact_id).where(
        ContactEvent.kind == EventKind.ANSWERED.value,
        ContactEvent.at >= require_utc(start), ContactEvent.at < require_utc(end)))
    found: dict[int, list[str]] = {}
    for key, detail in rows:
        adviser = adviser_of(detail)
        if adviser is not None:
            keys = found.setdefault(adviser, [])
            if key not in keys:
                keys.append(key)
    return found


def sample(contact_keys: list[str], *, week: str, size: int) -> list[str]:
    """`size` of the contacts, the same ones whenever asked (hash of week and key)."""
    ranked = sorted(contact_keys,
                    key=lambda k: hashlib.sha256(f"{week}|{k}".encode()).hexdigest())
    return ranked[:size]


def evaluations(*, session: Session, contact_keys: list[str] | None = None,
                adviser_id: int | None = None, week: str | None = None
                ) -> list[QualityEvaluation]:
    """Evaluations by contact, adviser and/or week, newest first."""
    query = select(QualityEvaluation)
    if contact_keys is not None:
        query = query.where(QualityEvaluation.contact_key.in_(contact_keys))
    if adviser_id is not None:
        query = query.where(QualityEvaluation.adviser_id == adviser_id)
    if week is not None:
        query = query.where(QualityEvaluation.week == week)
    return list(session.exec(query.order_by(QualityEvaluation.at.desc())))


def record(*, session: Session, contact_key: str, adviser_id: int, week: str, evaluator: str,
           answers: dict[str, str], score: float | None, comment: str,
           at: datetime) -> QualityEvaluation:
    """Store (or replace, when re-scored) the evaluation of one contact."""
    row = session.exec(select(QualityEvaluation).where(
        QualityEvaluation.contact_key == contact_key)).first() or QualityEvaluation(
        contact_key=contact_key, adviser_id=adviser_id, week=week, evaluator=evaluator,
        answers={}, at=require_utc(at))
    row.adviser_id, row.week, row.evaluator = adviser_id, week, evaluator
    row.answers, row.score, row.comment, row.at = dict(answers), score, comment, require_utc(at)
    session.add(row)
    session.flush()
    return row


def average(rows: list[QualityEvaluation]) -> float | None:
    """The mean score of the scored evaluations, or None when none has a score."""
    scores = [r.score for r in rows if r.score is not None]
    return sum(scores) / len(scores) if scores else None


def summary(rows: list[QualityEvaluation]) -> dict[str, Any]:
    """How many were evaluated and their average score."""
    return {"evaluated": len(rows), "average": average(rows)}
