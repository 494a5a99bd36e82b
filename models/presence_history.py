"""Presence history: each adviser's statuses as intervals (Available, Busy, Wrap-up, Away and why).

routing.presence keeps presence as it is now in Redis; this table keeps how it was, so the
supervisors' figures (occupancy, advisers available per half-hour beside the staffing need) can
be worked out for a past day. One row per interval; the current interval of each adviser is the
one row with no end (a partial unique index keeps it one, so two processes noticing the same
change cannot both open a row). Counts and times only: no customer data.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlmodel import Column, Field, Session, SQLModel, select

from models.timestamps import UTCDateTime, require_utc

# Statuses an adviser is on the phones in (Erlang C's advisers count busy ones too).
ON_DUTY = ("available", "busy", "wrap_up")


class PresenceInterval(SQLModel, table=True):
    """One stretch of one adviser's presence: a status, why (for Away), when it began and ended."""

    __tablename__ = "presence_interval"
    __table_args__ = (
        sa.Index("ix_presence_interval_open", "adviser_id", unique=True,
                 postgresql_where=sa.text("ended IS NULL"),
                 sqlite_where=sa.text("ended IS NULL")),
        sa.Index("ix_presence_interval_started", "started"),
    )
    id: int | None = Field(default=None, primary_key=True)
    adviser_id: int = Field(index=True)
    state: str = Field(max_length=16)
    reason: str = Field(default="", max_length=40)
    # The contact-centre queues the adviser took then, comma-separated (availability per queue).
    queues: str = Field(default="", max_length=1000)
    started: datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    ended: datetime | None = Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))

    @property
    def seconds(self) -> float | None:
        """How long the interval lasted, or None while it goes on."""
        return None if self.ended is None else (self.ended - self.started).total_seconds()


def open_interval(*, session: Session, adviser_id: int) -> PresenceInterval | None:
    """The adviser's current interval, if any."""
    return session.exec(select(PresenceInterval).where(
        PresenceInterval.adviser_id == adviser_id, PresenceInterval.ended.is_(None))).first()


def record_presence(*, session: Session, adviser_id: int, state: str, reason: str,
                    queues: str, at: datetime) -> PresenceInterval | None:
    """End the adviser's current interval at `at` and start one of `state` there.

    Nothing changes (None) when the current interval already has this state and reason, or when
    another process ended it first (it is recording the same change).
    """
    at = require_utc(at)
    current = open_interval(session=session, adviser_id=adviser_id)
    if current is not None:
        if (current.state, current.reason) == (state, reason):
            return None
        if at <= current.started:  # changed again at the same moment: no interval of 0 s
            current.state, current.reason, current.queues = state, reason[:40], queues[:1000]
            session.add(current)
            session.flush()
            return current
        ended = session.execute(sa.update(PresenceInterval).where(
            PresenceInterval.id == current.id, PresenceInterval.ended.is_(None)).values(ended=at))
        if ended.rowcount != 1:
            return None
    row = PresenceInterval(adviser_id=adviser_id, state=state, reason=reason[:40],
                           queues=queues[:1000], started=at)
    session.add(row)
    session.flush()
    return row


def intervals(*, session: Session, start: datetime, end: datetime,
              adviser_id: int | None = None) -> list[PresenceInterval]:
    """Every interval overlapping [start, end), oldest first."""
    query = select(PresenceInterval).where(
        PresenceInterval.started < require_utc(end),
        sa.or_(PresenceInterval.ended.is_(None), PresenceInterval.ended > require_utc(start)))
    if adviser_id is not None:
        query = query.where(PresenceInterval.adviser_id == adviser_id)
    return list(session.exec(query.order_by(PresenceInterval.started, PresenceInterval.id)))


def recorded_on(*, session: Session, day: date, timezone: ZoneInfo, now: datetime) -> bool:
    """Whether any presence was recorded during the local `day` (before that: not recorded)."""
    start, end = _day_bounds(day, timezone)
    return bool(intervals(session=session, start=start, end=min(end, require_utc(now))))


def available_by_half_hour(*, session: Session, day: date, timezone: ZoneInfo, now: datetime,
                           queue: str | None = None, minutes: int = 30) -> dict[str, float]:
    """Advisers on the phones (Available, Busy or in Wrap-up) in each half-hour of a local day.

    {"HH:MM": average advisers over the half-hour}: the seconds each adviser spent on duty in it,
    divided by 1,800 (one adviser there all the half-hour counts 1, for a quarter of it 0.25).
    With `queue`, only advisers who took that queue; `minutes` gives other intervals (15, 60).
    An interval still open counts up to `now`. Every interval of the day is present, 0.0 when
    nobody was on duty.
    """
    now = require_utc(now)
    start, end = _day_bounds(day, timezone)
    slots = _slots(day, timezone, timedelta(minutes=minutes))
    seconds: dict[str, float] = defaultdict(float)
    length: dict[str, float] = defaultdict(float)
    for label, slot_start, slot_end in slots:
        length[label] += (slot_end - slot_start).total_seconds()
    for row in intervals(session=session, start=start, end=min(end, now)):
        if row.state not in ON_DUTY or (queue and queue not in row.queues.split(",")):
            continue
        began, finished = row.started, min(row.ended or now, now)
        for label, slot_start, slot_end in slots:
            overlap = (min(finished, slot_end) - max(began, slot_start)).total_seconds()
            if overlap > 0:
                seconds[label] += overlap
    return {label: round(seconds[label] / length[label], 4) for label in length}


def occupancy(*, session: Session, start: datetime, end: datetime, now: datetime,
              adviser_id: int | None = None) -> float | None:
    """Share of on-duty time spent handling contacts over [start, end): (Busy + Wrap-up) ÷
    (Available + Busy + Wrap-up); None when nobody was on duty. An open interval ends at `now`."""
    start, end, now = require_utc(start), require_utc(end), require_utc(now)
    spent: dict[str, float] = defaultdict(float)
    for row in intervals(session=session, start=start, end=min(end, now), adviser_id=adviser_id):
        overlap = (min(row.ended or now, now, end) - max(row.started, start)).total_seconds()
        if row.state in ON_DUTY and overlap > 0:
            spent[row.state] += overlap
    on_duty = sum(spent.values())
    return (spent["busy"] + spent["wrap_up"]) / on_duty if on_duty else None


def _day_bounds(day: date, timezone: ZoneInfo) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), tzinfo=timezone)
    end = datetime.combine(day + timedelta(days=1), time(0), tzinfo=timezone)
    return require_utc(start), require_utc(end)


def _slots(day: date, timezone: ZoneInfo,
           length: timedelta) -> list[tuple[str, datetime, datetime]]:
    """Each local interval as (its local start "HH:MM", UTC start, UTC end); on the day the
    clocks go back the two 01:00 and 01:30 half-hours share a label, as the staffing rows do."""
    start, end = _day_bounds(day, timezone)
    out = []
    at = start
    while at < end:
        nxt = min(at + length, end)
        out.append((at.astimezone(timezone).strftime("%H:%M"), at, nxt))
        at = nxt
    return out
