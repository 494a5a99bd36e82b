"""Satisfaction responses: what a customer answered to the survey offered after their contact.

One row per contact (a unique contact key: a retried webhook or a second post records once). The
row holds where the contact went (channel, route, queue, prime contractor) so the reports can
count by each without reading the timeline, and the two answers: a score from 1 to 5 and whether
the customer got what they needed, each null when skipped. No free text and nothing personal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Column, Field, Session, SQLModel

from models.statements import insert_ignoring
from models.timestamps import UTCDateTime, require_utc

# The dimensions the reports count by, as the row's column names.
DIMENSIONS = ("channel", "route", "queue", "contractor")
AFTER_CONTACT = "after_contact"
SURVEY_31_DAY = "survey_31_day"


class SatisfactionResponse(SQLModel, table=True):
    """One customer's answers to the satisfaction survey (null answers: skipped)."""

    __tablename__ = "satisfaction_response"
    __table_args__ = (sa.Index("ix_satisfaction_response_at", "at"),
                      sa.UniqueConstraint("contact_key", "source",
                                          name="uq_satisfaction_response_source"))
    id: int | None = Field(default=None, primary_key=True)
    contact_key: str = Field(max_length=64)
    # after_contact: asked as the contact ended; survey_31_day: the sample survey a month on.
    source: str = Field(default=AFTER_CONTACT, max_length=16)
    channel: str = Field(max_length=16)
    route: str = Field(default="", max_length=40)
    queue: str | None = Field(default=None, max_length=64)
    contractor: str | None = Field(default=None, max_length=64)
    score: int | None = Field(default=None)
    got_what_they_needed: bool | None = Field(default=None)
    at: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))


@dataclass(frozen=True)
class Answers:
    """The survey's answers for one contact, and where the contact went."""

    contact_key: str
    channel: str
    route: str
    queue: str | None
    contractor: str | None
    score: int | None
    got_what_they_needed: bool | None
    source: str = AFTER_CONTACT

    @property
    def skipped(self) -> bool:
        """True when the customer answered neither question."""
        return self.score is None and self.got_what_they_needed is None


def record_response(*, session: Session, answers: Answers, at: datetime) -> bool:
    """Store the answers; False when this contact's answers were already stored (kept as they
    were: the first answer stands)."""
    if answers.score is not None and not 1 <= answers.score <= 5:
        raise ValueError("a score is from 1 to 5")
    row = {"contact_key": answers.contact_key, "source": answers.source, "channel": answers.channel,
           "route": answers.route or "", "queue": answers.queue, "contractor": answers.contractor,
           "score": answers.score, "got_what_they_needed": answers.got_what_they_needed,
           "at": require_utc(at)}
    # RETURNING, not rowcount: the PostgreSQL driver does not count an INSERT … ON CONFLICT.
    statement = insert_ignoring(session, SatisfactionResponse, row, ["contact_key", "source"]
                                ).returning(SatisfactionResponse.__table__.c.id)
    return session.execute(statement).first() is not None


def has_response(*, session: Session, contact_key: str, source: str = AFTER_CONTACT) -> bool:
    """True when the contact's survey (of `source`) has been answered or skipped."""
    table = SatisfactionResponse.__table__
    return session.execute(sa.select(table.c.id).where(
        table.c.contact_key == contact_key, table.c.source == source)).first() is not None


@dataclass(frozen=True)
class Tally:
    """Responses for one value of a dimension: how many scored, how many of them satisfied."""

    dimension: str
    value: str
    responses: int  # every response, skipped included
    scored: int  # responses with a score
    satisfied: int  # scores counted as satisfied
    needed_yes: int
    needed_answered: int


def tallies(*, session: Session, start: datetime, end: datetime,
            satisfied_scores: frozenset[int]) -> list[Tally]:
    """Each dimension's tallies for responses at or after `start` and before `end`."""
    table = SatisfactionResponse.__table__
    satisfied = sa.func.sum(sa.case((table.c.score.in_(sorted(satisfied_scores)), 1), else_=0))
    needed_yes = sa.func.sum(sa.case((table.c.got_what_they_needed.is_(True), 1), else_=0))
    found: list[Tally] = []
    for dimension in DIMENSIONS:
        column = table.c[dimension]
        if dimension == "channel":  # the 31-day survey's answers are a channel of their own
            column = sa.case((table.c.source != AFTER_CONTACT, table.c.source),
                             else_=table.c.channel)
        rows = session.execute(
            sa.select(column, sa.func.count(), sa.func.count(table.c.score), satisfied,
                      needed_yes, sa.func.count(table.c.got_what_they_needed))
            .where(table.c.at >= require_utc(start), table.c.at < require_utc(end))
            .group_by(column).order_by(column))
        found += [Tally(dimension, value or "none", n, scored, int(ok or 0), int(yes or 0),
                        answered) for value, n, scored, ok, yes, answered in rows]
    return found
